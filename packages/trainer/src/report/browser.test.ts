// Browser check of the HTML report: the page is opened from disk in headless Debian Chromium
// (playwright-core, launched by scripts/browser/chromium.mjs as for the other browser checks) with
// every network request refused; every chart must be drawn (each Chart.js instance has its points,
// each canvas has ink), with no page error, and a screenshot is written. Outside CI
// (CONVKIT_REQUIRE_BACKENDS unset) a missing Chromium skips the check, visibly. docs/report.png is
// this check's screenshot of a real run's report:
//   CONVKIT_REPORT_HTML=run/report.html pnpm vitest run packages/trainer/src/report/browser.test.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decode } from 'fast-png';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, executablePath, launchChromium } from '../../../../scripts/browser/chromium.mjs';
import { randomSearch } from '../search/random-search';
import { logUniform } from '../search/space';
import { type ReportInput, reportCharts } from './charts';
import { writeReport } from './html';

const required = (process.env.CONVKIT_REQUIRE_BACKENDS ?? '') !== '';
const noChromium = chromiumMissing() !== null && !required;
const realRun = process.env.CONVKIT_REPORT_HTML;
const dir = mkdtempSync(join(tmpdir(), 'convkit-report-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Drawn {
  /** Per chart: its figure's id, the points of each dataset as Chart.js laid them out, the inked pixels. */
  charts: { id: string; points: number[]; inked: number; width: number; height: number }[];
}

/**
 * Opens `file` in a new page (no network), measures the charts once the page has loaded (its scripts
 * are inline: they have run by then) and writes a full-page screenshot.
 */
async function openReport(browser: Browser, file: string, screenshot: string) {
  const errors: string[] = [];
  const requests: string[] = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  try {
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    });
    const url = pathToFileURL(file).href;
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    const drawn = await page.evaluate((): Drawn => {
      // biome-ignore lint/suspicious/noExplicitAny: Chart.js instances, from the page's inlined build.
      const charts = ((window as any).__convkitCharts ?? []) as any[];
      return {
        charts: charts.map((c) => {
          const canvas = c.canvas as HTMLCanvasElement;
          const { width, height } = canvas;
          const context = canvas.getContext('2d') as CanvasRenderingContext2D;
          const pixels = context.getImageData(0, 0, width, height).data;
          let inked = 0;
          for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] as number) > 0) inked++;
          const points = c.data.datasets.map((_: unknown, i: number) => c.getDatasetMeta(i).data.length);
          return { id: canvas.closest('figure')?.id ?? '', points, inked, width, height };
        }),
      };
    });
    await page.screenshot({ path: screenshot, fullPage: true });
    return { drawn, errors, requests };
  } finally {
    await page.close();
  }
}

/** A report with every kind of chart: history (per step and per epoch, confusion), LR finder, search, verdicts. */
async function everyChart(): Promise<ReportInput> {
  const epochs = [1, 2, 3].map((epoch) => ({
    epoch,
    lr: [1e-3 * (1 - epoch / 4)],
    train: { loss: 1.5 / epoch, accuracy: 0.5 + epoch / 10 },
    val: { loss: 1.6 / epoch, accuracy: 0.45 + epoch / 10 },
  }));
  const steps = Array.from({ length: 12 }, (_, i) => ({
    step: i + 1,
    loss: 2 - i / 8,
    lr: [1e-3 * (1 - i / 12)],
  }));
  const lr = Array.from({ length: 30 }, (_, i) => 1e-6 * 10 ** (i / 5));
  const loss = lr.map((x) => 2.3 - 0.4 * Math.tanh(Math.log10(x) + 4) + (x > 1e-1 ? 3 : 0));
  const search = await randomSearch(
    { lr: logUniform(1e-4, 1e-1), weightDecay: logUniform(1e-6, 1e-2) },
    async (p) => ({ valAccuracy: 0.9 - Math.abs(Math.log10(p.lr as number) + 2.5) / 10, valLoss: 0.5 }),
    { trials: 6, epochs: 1, seed: 1, fine: { trials: 3 } },
  );
  return {
    title: 'browser check',
    verdicts: [{ step: '1. check the initial loss', ok: true, message: 'loss 2.31 ≈ ln 10' }],
    history: {
      meta: { model: 'mnist_cnn', stepsPerEpoch: 4 },
      epochs,
      steps,
      lastValidation: {
        classes: ['a', 'b', 'c'],
        confusionMatrix: [
          [9, 1, 0],
          [2, 7, 1],
          [0, 1, 9],
        ],
      },
    },
    lrFinder: { curve: { lr, loss, smoothed: loss }, suggestedLr: 1e-4 },
    search,
  };
}

function expectDrawn(result: Awaited<ReturnType<typeof openReport>>, screenshot: string, ids: string[]) {
  expect(result.errors).toEqual([]);
  expect(result.requests).toEqual([]); // self-contained: nothing fetched
  expect(result.drawn.charts.map((c) => c.id)).toEqual(ids.map((id) => `chart-${id}`));
  for (const c of result.drawn.charts) {
    expect(c.width, c.id).toBeGreaterThan(100);
    expect(
      c.points.every((n) => n > 0),
      `${c.id}: points per dataset ${c.points}`,
    ).toBe(true);
    // Axes, labels and lines: a drawn chart inks a few per cent of its canvas; a blank one none.
    expect(c.inked / (c.width * c.height), c.id).toBeGreaterThan(0.01);
  }
  const png = decode(readFileSync(screenshot));
  expect(png.width).toBe(1280);
  expect(png.height).toBeGreaterThan(900);
}

describe.skipIf(noChromium)(
  `the HTML report in headless Chromium (skipped outside CI when ${executablePath} is missing: apt-get install -y chromium)`,
  () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => browser?.close());

    it('draws every chart, fetches nothing, throws nothing; writes a screenshot', async () => {
      const input = await everyChart();
      const ids = reportCharts(input).map((c) => c.id);
      expect(ids).toEqual([
        'loss',
        'accuracy',
        'lr-schedule',
        'confusion',
        'lr-finder',
        'search-lr',
        'search-weightDecay',
      ]);
      const file = join(dir, 'report.html');
      await writeReport(file, input);
      const screenshot = join(dir, 'report.png');
      expectDrawn(await openReport(browser, file, screenshot), screenshot, ids);
      // The check can fail: without Chart.js the page throws and draws nothing.
      const broken = join(dir, 'broken.html');
      writeFileSync(
        broken,
        readFileSync(file, 'utf8').replace(/<script>\/\*!\s*\* Chart\.js v4[\s\S]*?<\/script>/, ''),
      );
      const result = await openReport(browser, broken, join(dir, 'broken.png'));
      expect(result.errors.join('\n')).toContain('Chart is not defined');
      expect(result.drawn.charts).toEqual([]);
    });

    it.skipIf(realRun === undefined)(
      "writes docs/report.png from a real run's report (set CONVKIT_REPORT_HTML to its report.html)",
      async () => {
        const html = readFileSync(realRun as string, 'utf8');
        const charts = JSON.parse(
          /<script id="report-charts" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] as string,
        ) as { id: string }[];
        const screenshot = new URL('../../../../docs/report.png', import.meta.url).pathname;
        expectDrawn(
          await openReport(browser, realRun as string, screenshot),
          screenshot,
          charts.map((c) => c.id),
        );
      },
    );
  },
);
