import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Flags for a headless Chromium in a container or CI: no sandbox (it needs
 * user namespaces), no GPU, and no traffic of its own (updates, sync, QUIC),
 * so that the only requests a page makes are its own.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Flags of @sparticuz/chromium's list left out: they switch off the checks a
 * page runs under (same-origin policy, mixed content, site isolation), and the
 * report test is about what a hostile page can do.
 */
const UNSAFE = new Set([
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  '--disable-features=AudioServiceOutOfProcess,IsolateOrigins,site-per-process',
]);

/** A Chromium to test pages in, and the flags to launch it with. */
export interface ChromiumToUse {
  executablePath: string;
  /** `system` (a `chromium` on PATH or /usr/bin/chromium) or `@sparticuz/chromium` (from npm). */
  source: 'system' | '@sparticuz/chromium';
  args: string[];
}

/**
 * The system's Chromium when there is one (`chromium` on PATH, or
 * /usr/bin/chromium), else the headless Chromium of the devDependency
 * @sparticuz/chromium, unpacked on first use to $TMPDIR/chromium. So the
 * browser tests need nothing beyond `npm install`.
 */
export async function findChromium(): Promise<ChromiumToUse> {
  const system = systemChromium();
  if (system !== undefined) return { executablePath: system, source: 'system', args: FLAGS };
  const { default: packaged } = await import('@sparticuz/chromium');
  const args = [...packaged.args.filter((a) => !UNSAFE.has(a)), ...FLAGS];
  return {
    executablePath: await unpackedChromium(() => packaged.executablePath()),
    source: '@sparticuz/chromium',
    args: [...new Set(args)],
  };
}

/** Launches {@link findChromium}'s browser, headless, with a profile in `userDataDir`. */
export async function launchChromium(userDataDir: string): Promise<BrowserContext> {
  const { executablePath, args } = await findChromium();
  return chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args });
}

function systemChromium(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const candidates = [...onPath.map((dir) => join(dir, 'chromium')), '/usr/bin/chromium'];
  return candidates.find(isExecutable);
}

/**
 * @sparticuz/chromium unpacks to $TMPDIR/chromium and reuses a file it finds
 * there. On a machine several users share, that file may be another user's
 * and closed to this one (mode 0700); then unpack into a directory of our own.
 */
async function unpackedChromium(unpack: () => Promise<string>): Promise<string> {
  const shared = join(tmpdir(), 'chromium');
  if (!existsSync(shared) || isExecutable(shared)) return unpack();
  const own = join(tmpdir(), `edgesim-chromium-${userInfo().username}`);
  mkdirSync(own, { recursive: true, mode: 0o700 });
  const before = process.env.TMPDIR;
  process.env.TMPDIR = own;
  try {
    return await unpack();
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
