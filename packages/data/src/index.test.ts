import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as node from './index';
import * as browser from './index.browser';

describe('entries', () => {
  it('the browser entry exports the same names as the Node entry', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  it('the browser entry bundles for a browser (no node: imports) and its file loaders say what to do', async () => {
    const result = await build({
      entryPoints: [new URL('./index.browser.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      external: ['@convkit/backend', '@tensorflow/tfjs-core'],
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes('fast-png'))).toBe(true);
    expect(
      inputs.filter((i) => /\/(mnist|fashion-mnist|load-cifar|image-folder|resolve)\.ts$/.test(i)),
    ).toEqual([]);
    await expect(browser.loadImageFolder('x')).rejects.toThrow(
      /loadImageFolder reads files and needs Node; in a browser, decode each fetched file with decodeImage/,
    );
    await expect(browser.loadMnist('train')).rejects.toThrow(/readIdx and createDataset/);
  });
});
