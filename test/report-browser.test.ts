import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../src/report/index.js';
import { HOSTILE, histogramTable, sweepMeta, sweepTable } from './fixtures/report/sweep.js';
import { launchChromium } from './helpers/browser.js';

/** The few DOM features the page checks use; the test's tsconfig has no DOM library. */
interface PageElement {
  readonly id: string;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): { readonly length: number };
}
interface PageDocument {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  readonly body: { readonly innerText: string };
}

interface PageReport {
  readonly requests: string[];
  readonly consoleErrors: string[];
  readonly dialogs: string[];
  readonly sections: { id: string; rendered: string | null; marks: number }[];
  readonly injectedImage: boolean;
  readonly text: string;
}

/** Opens report.html in headless Chromium and records what the page did. */
async function openReport(context: BrowserContext, file: string): Promise<PageReport> {
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const allDrawn = () => {
    const doc = (globalThis as unknown as { document: PageDocument }).document;
    return [...doc.querySelectorAll('section.chart')].every((s) => s.hasAttribute('data-rendered'));
  };
  await page.waitForFunction(allDrawn, undefined, { timeout: 30_000 });
  // Give a hostile onerror handler, if one had been injected, time to fire.
  await page.waitForTimeout(200);
  const found = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: PageDocument }).document;
    return {
      sections: [...doc.querySelectorAll('section.chart')].map((s) => ({
        id: s.id,
        rendered: s.getAttribute('data-rendered'),
        // Data marks only: vega tags them role-mark; axes, legends and titles have other roles.
        marks: s.querySelectorAll('.view svg g.role-mark > *, .view canvas').length,
      })),
      injectedImage: doc.querySelector('img[src=x]') !== null,
      text: doc.body.innerText,
    };
  });
  await page.close();
  return { requests, consoleErrors, dialogs, ...found };
}

describe('report.html in headless Chromium', () => {
  let dir = '';
  let userDataDir = '';
  let context: BrowserContext | undefined;
  let report: PageReport;
  let charts = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgesim-report-browser-'));
    userDataDir = mkdtempSync(join(tmpdir(), 'edgesim-chromium-profile-'));
    const table = sweepTable({ placements: ['device', 'edge', HOSTILE], scenario: HOSTILE });
    const files = await writeReport(dir, table, sweepMeta(`Sweep of ${HOSTILE}`), {
      histogram: histogramTable(['device', HOSTILE]),
    });
    charts = files.filter((f) => f.endsWith('.vl.json')).length;
    context = await launchChromium(userDataDir);
    report = await openReport(context, join(dir, 'report.html'));
  });

  afterAll(async () => {
    await context?.close();
    for (const path of [dir, userDataDir]) {
      if (path !== '') rmSync(path, { recursive: true, force: true });
    }
  });

  it('draws every chart with marks', () => {
    expect(report.sections).toHaveLength(charts);
    expect(charts).toBeGreaterThan(10);
    for (const section of report.sections) {
      expect(section.rendered, section.id).toBe('true');
      expect(section.marks, section.id).toBeGreaterThan(0);
    }
  });

  it('logs no console error', () => {
    expect(report.consoleErrors).toEqual([]);
  });

  it('makes no network request: the only request is the file itself', () => {
    expect(report.requests).toEqual([pathToFileURL(join(dir, 'report.html')).href]);
  });

  it('shows a hostile scenario name as text', () => {
    expect(report.dialogs).toEqual([]);
    expect(report.injectedImage).toBe(false);
    expect(report.text).toContain(`Sweep of ${HOSTILE}`);
  });
});
