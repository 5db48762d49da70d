import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/index.js';
import {
  HOSTILE,
  HOSTILE_STRINGS,
  histogramTable,
  RATE,
  SLO_S,
  sweepMeta,
  sweepTable,
} from '../fixtures/report/sweep.js';
import { launchChromium } from '../helpers/browser.js';

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

/** The DOM features the content checks use (the test's tsconfig has no DOM library). */
interface Box {
  readonly top: number;
  readonly height: number;
}
interface ContentElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Box;
  querySelector(selector: string): ContentElement | null;
  querySelectorAll(selector: string): Iterable<ContentElement>;
}

/** An axis as drawn: its title and each tick label's text and vertical centre on the page, px. */
interface DrawnAxis {
  readonly title: string;
  readonly labels: { text: string; y: number }[];
}

/** What the content checks read from a report page. */
interface ContentReport {
  readonly dialogs: string[];
  /** `window.edgesimInjected`: set only if a hostile string ran as script. */
  readonly injected: unknown;
  readonly images: number;
  /** <script> elements without a type: the three libraries and the embedding code. */
  readonly codeScripts: number;
  readonly title: string;
  readonly summaryHeaders: string[];
  readonly summaryRows: string[][];
  /** The p95 chart, when drawn: its axes, the SLO rules' vertical centres and its legend symbols' opacity. */
  readonly p95: {
    readonly x: DrawnAxis;
    readonly y: DrawnAxis;
    readonly sloY: number[];
    readonly sloText: string[];
    readonly legendOpacity: (string | null)[];
  } | null;
}

/** Opens a report and reads the summary table, the p95 chart and what hostile strings did. */
async function inspectReport(context: BrowserContext, file: string): Promise<ContentReport> {
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction(
    () => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      return [...doc.querySelectorAll('section.chart')].every((s) =>
        s.hasAttribute('data-rendered'),
      );
    },
    undefined,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(200);
  const found = await page.evaluate(() => {
    const win = globalThis as unknown as { document: ContentElement; edgesimInjected?: unknown };
    const doc = win.document;
    const all = (root: ContentElement, selector: string) => [...root.querySelectorAll(selector)];
    const text = (element: ContentElement | null) => (element?.textContent ?? '').trim();
    const centre = (element: ContentElement) => {
      const box = element.getBoundingClientRect();
      return box.top + box.height / 2;
    };
    const axis = (svg: ContentElement, which: 'X' | 'Y') => {
      const group = all(svg, 'g.role-axis[aria-label]').find((g) =>
        (g.getAttribute('aria-label') ?? '').startsWith(`${which}-axis`),
      );
      return {
        title: group ? text(group.querySelector('.role-axis-title text')) : '',
        labels: group
          ? all(group, '.role-axis-label text').map((t) => ({ text: text(t), y: centre(t) }))
          : [],
      };
    };
    const chart = doc.querySelector('section[id="latency_p95_s-by-arrival_rate_per_s"] .view svg');
    return {
      injected: win.edgesimInjected,
      images: all(doc, 'img').length,
      codeScripts: all(doc, 'script:not([type])').length,
      title: text(doc.querySelector('h1')),
      summaryHeaders: all(doc, '#summary thead th').map(text),
      summaryRows: all(doc, '#summary tbody tr').map((row) => all(row, 'td').map(text)),
      p95: chart && {
        x: axis(chart, 'X'),
        y: axis(chart, 'Y'),
        sloY: all(chart, 'g.slo_marks line').map(centre),
        sloText: all(chart, 'g.role-mark text')
          .map(text)
          .filter((t) => t.startsWith('SLO')),
        legendOpacity: all(chart, '.role-legend-symbol path').map((p) => p.getAttribute('opacity')),
      },
    };
  });
  await page.close();
  return { dialogs, ...found };
}

/** The vertical position of `value` on a linear axis, from its two outermost numeric labels. */
function positionOn(axis: DrawnAxis, value: number): number {
  const ticks = axis.labels.map((l) => ({ value: Number(l.text.replace(/,/g, '')), y: l.y }));
  const [low, high] = [ticks[0]!, ticks.at(-1)!];
  return low.y + ((value - low.value) * (high.y - low.y)) / (high.value - low.value);
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

  describe('the sweep report a reader sees', () => {
    const [script, image, quotes] = HOSTILE_STRINGS;
    let content: ContentReport;

    beforeAll(async () => {
      const contentDir = join(dir, 'content');
      const table = sweepTable({ placements: ['device', script, image], scenario: quotes });
      await writeReport(contentDir, table, {
        ...sweepMeta(`Sweep ${quotes} ${script}`),
        sloS: [SLO_S],
        labels: { [RATE]: `${image} arrival rate` },
      });
      content = await inspectReport(context!, join(contentDir, 'report.html'));
    });

    it('draws the p95 latency chart, in ms, with ticks at the swept rates', () => {
      expect(content.p95).not.toBeNull();
      expect(content.p95!.y.title).toBe('latency p95 (ms)');
      expect(content.p95!.x.title).toBe(`${image} arrival rate (/s)`);
      expect(content.p95!.x.labels.map((l) => l.text)).toEqual(['5', '10', '20', '40']);
    });

    it("draws the SLO rule at the scenario's 50 ms on the chart's y scale", () => {
      const { sloY, sloText, y } = content.p95!;
      expect(sloText).toEqual(['SLO 50 ms']);
      expect(sloY).toHaveLength(1);
      expect(y.labels.length).toBeGreaterThan(2);
      expect(Math.abs(sloY[0]! - positionOn(y, 50))).toBeLessThan(1.5);
    });

    it('keeps legend swatches opaque', () => {
      expect(content.p95!.legendOpacity).toHaveLength(3);
      expect(new Set(content.p95!.legendOpacity)).toEqual(new Set(['1']));
    });

    it('opens with a summary table: one row per configuration, means in the chosen units', () => {
      expect(content.summaryHeaders).toEqual([
        'placement',
        `${image} arrival rate (/s)`,
        'runs',
        'latency p95 (ms)',
        'slo violation rate (%)',
        'throughput (/s)',
        'energy per inference (mJ)',
        'total cost ($/month)',
      ]);
      expect(content.summaryRows).toHaveLength(3 * 4);
      expect(content.summaryRows[4]!.slice(0, 3)).toEqual([script, '5', '3']);
      expect(content.summaryRows[8]!.slice(0, 2)).toEqual([image, '5']);
    });

    it('shows scenario names, values and labels with <script>, </script>, quotes and ${ as text', () => {
      expect(content.injected).toBeUndefined();
      expect(content.dialogs).toEqual([]);
      expect(content.images).toBe(0);
      expect(content.codeScripts).toBe(4);
      expect(content.title).toBe(`Sweep ${quotes} ${script}`);
    });
  });

  it('shows a hostile scenario name as text', () => {
    expect(report.dialogs).toEqual([]);
    expect(report.injectedImage).toBe(false);
    expect(report.text).toContain(`Sweep of ${HOSTILE}`);
  });
});
