import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport, writeReport } from './html';

const history = {
  meta: { model: 'resnet20_mnist', optimizer: 'AdamW', stepsPerEpoch: 2 },
  epochs: [{ epoch: 1, train: { loss: 0.9, accuracy: 0.7 }, val: { loss: 0.8, accuracy: 0.75 } }],
  steps: [
    { step: 1, loss: 1.1, lr: [0.1] },
    { step: 2, loss: 0.8, lr: [0.1] },
  ],
  lastValidation: {
    classes: ['a', 'b'],
    confusionMatrix: [
      [3, 1],
      [0, 4],
    ],
  },
};

describe('renderReport', () => {
  it('is one self-contained page: Chart.js inlined, no URL to fetch, the data embedded', () => {
    const html = renderReport({
      history,
      verdicts: [{ step: 'initial loss', ok: true, message: 'loss 2.31 ≈ ln 10' }],
    });
    expect(html).toContain('Chart.js v4');
    expect(html).toContain('chartjs-chart-matrix v3');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/sourceMappingURL/);
    expect(html).toContain('<td>resnet20_mnist</td>');
    expect(html).toContain('<td>loss 2.31 ≈ ln 10</td>');
    // Every header row names its columns; the training summary (key, value) has none.
    expect(html).toContain('<th>step</th><th>verdict</th><th>what it found</th>');
    expect(html).not.toMatch(/<th>\s*<\/th>/);
    expect(html).toMatch(/<h2>Training<\/h2>\s*<table><tbody>/);
    const data = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(data as string).history).toEqual(history);
    const charts = JSON.parse(
      /<script id="report-charts" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] as string,
    );
    expect(charts.map((c: { id: string }) => c.id)).toEqual(['loss', 'accuracy', 'lr-schedule', 'confusion']);
  });

  it('escapes text and data so nothing closes a script or injects markup', () => {
    const evil = '</script><img src=x onerror=alert(1)>';
    const html = renderReport({
      title: evil,
      verdicts: [{ step: evil, ok: false, message: evil }],
      history: { meta: { model: evil } },
    });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html.match(/<\/script>/g)?.length).toBe(html.match(/<script/g)?.length);
    expect(html).toContain('\\u003c/script>');
  });

  it('says so when there is nothing to chart, and leaves the data out on request', () => {
    const html = renderReport({}, { embedData: false, title: 'empty' });
    expect(html).toContain('Nothing to chart');
    expect(html).not.toContain('id="report-data"');
    expect(html).toContain('<title>empty</title>');
  });
});

describe('writeReport', () => {
  it('writes the page atomically into a new folder, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convkit-report-'));
    try {
      const path = join(dir, 'out', 'report.html');
      await writeReport(path, { history });
      expect(existsSync(path)).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe(renderReport({ history }));
      expect(readdirSync(join(dir, 'out'))).toEqual(['report.html']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
