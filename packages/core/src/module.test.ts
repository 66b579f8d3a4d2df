import { useBackend } from '@convkit/backend/testing';
import { add, exp, memory, mul, ones, type Tensor, tensor, zeros } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Module } from './module';

class Affine extends Module {
  static readonly className = 'Affine';
  readonly w = this.addParameter('weight', ones([2]));
  readonly count = this.addBuffer('count', zeros([1]));
  forward(x: Tensor) {
    return add(exp(x), this.w);
  }
}

class Net extends Module {
  readonly a = this.addModule('a', new Affine());
  readonly b = this.addModule('b', new Affine());
  forward(x: Tensor) {
    return this.b.call(this.a.call(x));
  }
}

class Swappable extends Net {
  swap(name: string, m: Module) {
    return this.replaceModule(name, m);
  }
}

class Renamed extends Module {
  forward(x: Tensor) {
    return x;
  }
}

describe('Module', () => {
  useBackend('cpu');

  it('names parameters, buffers and children with dots; train/eval reach the subtree', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual(['a.weight', 'b.weight']);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['a.count', 'b.count']);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'a', 'b']);
    expect(Object.keys(net.stateDict())).toEqual(['a.weight', 'b.weight', 'a.count', 'b.count']);
    expect(net.numParameters()).toBe(4);
    net.eval();
    expect(net.a.training).toBe(false);
    net.train();
    expect(net.b.training).toBe(true);
    net.a.requiresGrad(false);
    expect(net.trainableParameters()).toEqual([net.b.w]);
    net.dispose();
  });

  it('uses a static className when declared, else the constructor name', () => {
    expect(new Affine().className).toBe('Affine');
    expect(new Renamed().className).toBe('Renamed');
    expect(new Renamed().toConfig()).toEqual({ className: 'Renamed', config: {} });
  });

  it('call() frees intermediates: only the output survives', () => {
    const net = new Net();
    const x = tensor([0.5, 1]);
    const before = memory().numTensors;
    const y = net.call(x);
    expect(memory().numTensors - before).toBe(1);
    y.dispose();
    x.dispose();
    net.dispose();
  });

  it('forward hooks see each output, may replace it, and can be removed', async () => {
    const net = new Net();
    const seen: number[][] = [];
    const remove = net.a.registerForwardHook((_m, _x, y) => {
      seen.push(y.shape);
      return undefined;
    });
    const removeZero = net.registerForwardHook((_m, _x, y) => mul(y, 0));
    const x = tensor([0.5, 1]);
    const y = net.call(x);
    expect(seen).toEqual([[2]]);
    expect(Array.from(await y.data())).toEqual([0, 0]);
    remove();
    removeZero();
    const y2 = net.call(x);
    expect(seen.length).toBe(1);
    expect((await y2.data())[0]).toBeGreaterThan(0);
    for (const t of [x, y, y2]) t.dispose();
    net.dispose();
  });

  it('call() returns a tensor the caller owns even when forward returns its input', () => {
    const m = new Renamed();
    const x = tensor([1, 2]);
    const y = m.call(x);
    expect(y).not.toBe(x);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('loadStateDict checks keys and shapes, writes nothing unless all pass', async () => {
    const net = new Net();
    const good = tensor([3, 4]);
    const bad = tensor([1, 2, 3]);
    expect(() => net.loadStateDict({ 'a.weight': good })).toThrow(/missing keys: b.weight, a.count, b.count/);
    expect(() => net.loadStateDict({ 'a.weight': good, 'b.weight': bad }, { strict: false })).toThrow(
      /shape mismatches: b.weight: expected \[2\], got \[3\]/,
    );
    expect(Array.from(await net.a.w.data())).toEqual([1, 1]);
    net.loadStateDict({ 'a.weight': good, extra: good }, { strict: false });
    expect(Array.from(await net.a.w.data())).toEqual([3, 4]);
    good.dispose();
    bad.dispose();
    net.dispose();
  });

  it('keepEval holds a subtree in evaluation mode through train(); clearing it lets train() reach it again', () => {
    const net = new Net();
    net.a.keepEval = true;
    net.a.eval();
    net.train();
    expect([net.training, net.a.training, net.b.training]).toEqual([true, false, true]);
    net.a.keepEval = false;
    net.train();
    expect(net.a.training).toBe(true);
    net.keepEval = true;
    net.train();
    expect([net.training, net.a.training, net.b.training]).toEqual([false, false, false]);
    net.dispose();
  });

  it('replaceModule puts a new child in place (same position and name), leaving the old one to the caller', () => {
    const net = new Swappable();
    const old = net.a;
    const fresh = new Affine();
    expect(net.swap('a', fresh)).toBe(fresh);
    expect(net.namedModules().map(([n, m]) => [n, m === fresh])).toEqual([
      ['', false],
      ['a', true],
      ['b', false],
    ]);
    expect(old.w.isDisposed).toBe(false);
    const stray = new Affine();
    expect(() => net.swap('c', stray)).toThrow(/Swappable.replaceModule\('c'\): no child named 'c'/);
    stray.dispose();
    old.dispose();
    net.dispose();
  });

  it('rejects duplicate and dotted names', () => {
    class Bad extends Module {
      constructor(name: string) {
        super();
        this.addParameter('w', zeros([1]));
        this.addBuffer(name, zeros([1]));
      }
      forward(x: Tensor) {
        return x;
      }
    }
    expect(() => new Bad('w')).toThrow("Bad: 'w' is already registered");
    expect(() => new Bad('a.b')).toThrow("Bad: invalid name 'a.b'");
  });

  it('dispose frees every variable of the subtree', () => {
    const before = memory().numTensors;
    const net = new Net();
    expect(memory().numTensors - before).toBe(4);
    net.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
