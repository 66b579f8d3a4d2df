import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { toyDataset, toyModel } from '../test-helpers';
import { fit } from './fit';
import { ProgressBar } from './progress-bar';

const stream = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => void out.push(s) } };
};

describe('ProgressBar [cpu]', () => {
  useBackend('cpu');

  it('in a log (no TTY): a line per 10 % of an epoch and a summary line per epoch', async () => {
    const { out, stream: s } = stream(false);
    const model = toyModel(0);
    await fit(model, toyDataset(80, 0), {
      epochs: 2,
      batchSize: 4,
      validation: toyDataset(8, 1),
      quiet: true,
      callbacks: [new ProgressBar({ stream: s, every: 0.25 })],
    });
    const lines = out.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(2 * 4); // 25 %, 50 %, 75 % and the summary, per epoch
    expect(lines[0]).toMatch(/^epoch 1\/2 {2}25% 5\/20 \| loss \d\.\d{4} accuracy \d\.\d{4} \| \d+\.\ds$/);
    expect(lines[3]).toMatch(
      /^epoch 1\/2: loss \d\.\d{4} accuracy \d\.\d{4} \| val loss \d\.\d{4} accuracy \d\.\d{4} \| lr 0\.00100 \| \d+\.\ds$/,
    );
    model.dispose();
  });

  it('on a terminal: a cli-progress bar redrawn in place', async () => {
    const { out, stream: s } = stream(true);
    const model = toyModel(1);
    await fit(model, toyDataset(16, 0), {
      epochs: 1,
      batchSize: 4,
      quiet: true,
      callbacks: [new ProgressBar({ stream: s })],
    });
    const text = out.join('');
    expect(text).toMatch(/epoch 1\/1 \[[█░=\- ]*\] \d\/4 \| loss/);
    expect(text).toMatch(/epoch 1\/1: loss \d\.\d{4} accuracy \d\.\d{4} \| lr 0\.00100 \| \d+\.\ds\n$/);
    model.dispose();
  });
});
