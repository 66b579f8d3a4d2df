import { describe, expect, it } from 'vitest';
import { Rng, type RngState } from './random';

/** Every kind of draw, so a restored state is checked on each path (the spare normal included). */
function draws(rng: Rng): number[] {
  return [
    rng.uniform(),
    rng.normal(), // leaves a spare normal
    rng.nextUint32(),
    rng.int(0, 1000),
    ...rng.permutation(5),
    rng.normal(2, 3),
    ...rng.fill(3, () => rng.uniform(-1, 1)),
    rng.normal(), // ends with a Box–Muller pair half used
  ];
}

describe('Rng state', () => {
  it('draw, save, draw more, restore: the same draws, through JSON, with a pending spare normal', () => {
    const rng = new Rng(1234);
    draws(rng); // leaves a spare normal, which the state must carry
    const saved = JSON.stringify(rng.state());
    expect((JSON.parse(saved) as RngState).spareNormal).not.toBeNull();
    const expected = draws(rng);
    rng.setState(JSON.parse(saved));
    expect(draws(rng)).toEqual(expected);
    expect(draws(Rng.fromState(JSON.parse(saved)))).toEqual(expected);
  });

  it('a forked stream and a restored one continue identically', () => {
    const rng = new Rng(7);
    const child = rng.fork();
    child.normal();
    const copy = Rng.fromState(child.state());
    expect(draws(copy)).toEqual(draws(child));
    expect(copy.seed).toBe(child.seed);
  });

  it('state() is a copy: later draws do not change it', () => {
    const rng = new Rng(3);
    const s = rng.state();
    const words = [...s.words];
    draws(rng);
    expect(s.words).toEqual(words);
    expect(rng.state().words).not.toEqual(words);
  });

  it('rejects malformed states before changing anything', () => {
    const rng = new Rng(5);
    const good = rng.state();
    const before = rng.state();
    const bad: unknown[] = [
      null,
      { ...good, version: 2 },
      { ...good, words: [1, 2, 3] },
      { ...good, words: [1, 2, 3, -1] },
      { ...good, words: [1, 2, 3, 2 ** 32] },
      { ...good, words: [1, 2, 3, 0.5] },
      { ...good, spareNormal: Number.NaN },
      { ...good, seed: Number.POSITIVE_INFINITY },
    ];
    for (const s of bad) {
      expect(() => rng.setState(s as RngState)).toThrow(/Rng state: .*rng\.state\(\)/);
      expect(() => Rng.fromState(s as RngState)).toThrow(/Rng state/);
    }
    expect(rng.state()).toEqual(before);
  });
});
