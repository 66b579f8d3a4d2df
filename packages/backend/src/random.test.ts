import { describe, expect, it } from 'vitest';
import { isRng, Rng, type RngState, toRng } from './random';

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

describe('Rng seeds', () => {
  it('takes integers in [0, 2^32) and refuses the seeds that would alias others', () => {
    expect(new Rng(0xffffffff).seed).toBe(0xffffffff);
    expect(new Rng(0).nextUint32()).toBe(new Rng().nextUint32());
    for (const seed of [1.5, -1, 2 ** 32, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Rng(seed)).toThrow(`Rng: seed must be an integer seed in [0, 2^32), got ${seed}`);
    }
    expect(() => Rng.fromState({ ...new Rng(1).state(), seed: 1.5 })).toThrow(
      'Rng state: seed must be an integer in [0, 2^32), got 1.5',
    );
  });

  it('toRng names who passed a bad rng option; an Rng from another copy of the package is accepted', () => {
    expect(() => toRng('abc' as never, 'Dropout')).toThrow(
      "Dropout: rng must be an Rng or an integer seed in [0, 2^32), got 'abc'",
    );
    expect(() => toRng(-1, 'Dropout')).toThrow('Dropout: rng must be an integer seed in [0, 2^32), got -1');
    expect(() => toRng(null as never)).toThrow('toRng: rng must be an Rng or an integer seed');
    const rng = new Rng(3);
    expect(toRng(rng)).toBe(rng);
    const lookalike = Object.assign(Object.create(null), {
      nextUint32: () => 1,
      uniformTensor: () => null,
      fork: () => null,
    });
    expect(isRng(lookalike)).toBe(true);
    expect(isRng({ nextUint32: () => 1 })).toBe(false);
    expect(toRng(5).nextUint32()).toBe(new Rng(5).nextUint32());
  });
});
