import { Rng } from '@convkit/backend';
import { describeEachBackend, useBackend } from '@convkit/backend/testing';
import { crossEntropy, Linear, ReLU, Sequential, valueAndGrads } from '@convkit/core';
import { paramGroups } from '@convkit/regularization';
import {
  dispose,
  memory,
  type Scalar,
  sum,
  type Tensor,
  tensor,
  tensor1d,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { joinTensors, splitTensors } from '../state';
import { owned } from '../test-helpers';
import { Adam } from './adam';
import { AdamW } from './adamw';
import type { Optimizer, OptimizerStateDict } from './optimizer';
import { createOptimizerRegistry } from './registry';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';

const registry = createOptimizerRegistry();

const net = (seed: number) =>
  new Sequential(
    new Linear({ inFeatures: 6, outFeatures: 8, rng: seed }),
    new ReLU(),
    new Linear({ inFeatures: 8, outFeatures: 3, rng: seed + 1 }),
  );

/** A batch and a loss for `net`. */
function batch(seed: number) {
  const rng = new Rng(seed);
  const x = rng.normalTensor([5, 6]);
  const y = tensor1d([0, 2, 1, 1, 0], 'int32');
  return { x, y, loss: (m: Sequential) => () => crossEntropy(m.call(x), y) as Scalar };
}

async function values(m: Sequential): Promise<number[][]> {
  return Promise.all(m.parameters().map(async (p) => Array.from(await p.data())));
}

/** Every optimizer, with options that use each kind of state. */
const BUILDERS: [string, (params: Sequential) => Optimizer][] = [
  ['SGD', (m) => new SGD(m, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['Adam', (m) => new Adam(m, { lr: 1e-2, amsgrad: true })],
  ['AdamW', (m) => new AdamW(paramGroups(m, { weightDecay: 0.1 }), { lr: 1e-2 })],
  ['RMSprop', (m) => new RMSprop(m, { lr: 1e-2, momentum: 0.5, centered: true })],
];

describeEachBackend('Optimizer', () => {
  for (const [name, build] of BUILDERS) {
    it(`${name}: resumes bit for bit from a state dict written to JSON + tensors; no tensor leak`, async () => {
      const { x, y, loss } = batch(1);
      const a = net(3);
      const optA = build(a);
      const stepOnce = (m: Sequential, opt: Optimizer) => {
        const { loss: l, grads } = valueAndGrads(m, loss(m));
        opt.step(grads);
        dispose([l, grads]);
      };
      stepOnce(a, optA);
      stepOnce(a, optA);
      // Save: the optimizer's state as JSON text and the tensors' values, as a checkpoint would.
      const { json, tensors } = splitTensors(optA.stateDict());
      const text = JSON.stringify(json);
      const saved = Object.fromEntries(
        await Promise.all(
          Object.entries(tensors).map(
            async ([k, t]) => [k, { shape: t.shape, data: Array.from(await t.data()) }] as const,
          ),
        ),
      );
      const weights = await values(a);
      const before = memory().numTensors;
      for (let i = 0; i < 3; i++) stepOnce(a, optA);
      expect(memory().numTensors, 'tensor count across steps').toBe(before);
      // Restore into a fresh model and optimizer.
      const b = net(7);
      b.parameters().forEach((p, i) => {
        p.assign(tensor(weights[i], p.shape));
      });
      const optB = build(b);
      const loaded = Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, tensor(v.data, v.shape)]));
      optB.loadStateDict(joinTensors(JSON.parse(text), loaded) as OptimizerStateDict);
      dispose(Object.values(loaded)); // the optimizer keeps its own references
      for (let i = 0; i < 3; i++) stepOnce(b, optB);
      expect(await values(b)).toEqual(await values(a));
      for (const m of [a, b]) m.dispose();
      optA.dispose();
      optB.dispose();
      dispose([x, y]);
    });
  }

  it('tensor count stays flat over many steps, and dispose() frees the state', () => {
    const m = net(5);
    const { x, y, loss } = batch(2);
    const before = memory().numTensors;
    for (const [, build] of BUILDERS) {
      const opt = build(m);
      for (let i = 0; i < 20; i++) {
        const { loss: l, grads } = valueAndGrads(m, loss(m));
        opt.step(grads);
        dispose([l, grads]);
      }
      opt.dispose();
      expect(memory().numTensors).toBe(before);
    }
    m.dispose();
    dispose([x, y]);
  });
});

describe('Optimizer parameters', () => {
  useBackend('cpu');

  it('takes a Module (dotted names), pairs, a record, bare Variables (tfjs names) and groups', () => {
    const m = net(1);
    const names = m.namedParameters().map(([n]) => n);
    expect(new SGD(m, { lr: 1 }).paramGroups[0].params.map((p) => p.name)).toEqual(names);
    expect(new SGD(m.namedParameters(), { lr: 1 }).paramGroups[0].params.map((p) => p.name)).toEqual(names);
    expect(
      new SGD(Object.fromEntries(m.namedParameters()), { lr: 1 }).paramGroups[0].params.map((p) => p.name),
    ).toEqual(names);
    expect(new SGD(m.parameters(), { lr: 1 }).paramGroups[0].params.map((p) => p.name)).toEqual(
      m.parameters().map((p) => p.name),
    );
    const groups = new SGD(
      [
        { params: [m.namedParameters()[0]], lr: 0.5, name: 'first' },
        { params: m.namedParameters().slice(1), momentum: 0.9 },
      ],
      { lr: 1 },
    ).paramGroups;
    expect(groups.map((g) => [g.name, g.lr, g.momentum, g.params.length])).toEqual([
      ['first', 0.5, 0, 1],
      [undefined, 1, 0.9, 3],
    ]);
    m.dispose();
  });

  it("takes @convkit/regularization's paramGroups as they are", () => {
    const m = net(1);
    const opt = new AdamW(paramGroups(m, { weightDecay: 0.05 }));
    expect(opt.paramGroups.map((g) => [g.weightDecay, g.params.map((p) => p.name)])).toEqual([
      [0.05, ['0.weight', '2.weight']],
      [0, ['0.bias', '2.bias']],
    ]);
    m.dispose();
  });

  it('steps bare Variables with the gradients of tfjs variableGrads', async () => {
    const w = owned([1, 2], [2]);
    const opt = new SGD([w], { lr: 0.5 });
    const { value, grads } = variableGrads(() => sum(w) as Scalar, [w]);
    opt.step(grads);
    expect(Array.from(await w.data())).toEqual([0.5, 1.5]);
    dispose([w, value, grads]);
  });

  it('rejects a parameter listed twice, two parameters with one name, and no parameters', () => {
    const m = net(1);
    const [a, b] = m.namedParameters();
    expect(() => new SGD([{ params: [a] }, { params: [a, b] }], { lr: 1 })).toThrow(
      /SGD: parameter '0.weight' is listed twice; a parameter belongs to one group only/,
    );
    expect(
      () =>
        new SGD(
          [
            ['w', a[1]],
            ['w', b[1]],
          ],
          { lr: 1 },
        ),
    ).toThrow(/two different parameters are both named 'w'/);
    expect(() => new SGD([], { lr: 1 })).toThrow(/SGD: got no parameters to optimize/);
    expect(() => new SGD([1, 2] as never, { lr: 1 })).toThrow(/params\[0\] is neither a Variable/);
    expect(() => new SGD({ w: 3 } as never, { lr: 1 })).toThrow(/params\['w'\] is not a Variable/);
    m.dispose();
  });

  it('rejects unknown options with the closest name, in the options and in groups', () => {
    const m = net(1);
    expect(() => new Adam(m, { weight_decay: 0.1 } as never)).toThrow(
      /Adam: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\); known: lr, betas/,
    );
    expect(() => new SGD([{ params: m, momentun: 0.9 } as never], { lr: 1 })).toThrow(
      /SGD: unknown option 'momentun' \(did you mean 'momentum'\?\)/,
    );
    m.dispose();
  });
});

describe('Optimizer.step checks', () => {
  useBackend('cpu');

  const setup = () => {
    const w = owned([1, 2, 3], [3]);
    const b = owned([5], [1]);
    const opt = new SGD(
      [
        ['w', w],
        ['b', b],
      ],
      { lr: 1 },
    );
    return { w, b, opt };
  };

  it('throws on an unknown name, a wrong shape or dtype, before writing anything', async () => {
    const { w, b, opt } = setup();
    const g = tensor([1, 1, 1]);
    const gb = tensor([1]);
    expect(() => opt.step({ w: g, c: gb })).toThrow(
      /SGD.step: no parameter named 'c' \(this optimizer has 'w', 'b'\); gradients are keyed like the parameters/,
    );
    expect(() => opt.step({ w: gb, b: gb })).toThrow(
      /the gradient of 'w' has shape \[1\], the parameter \[3\]/,
    );
    const gi = tensor([1, 1, 1], [3], 'int32');
    expect(() => opt.step({ w: gi })).toThrow(
      /'w': parameter and gradient must be float32, got float32 and int32/,
    );
    expect(Array.from(await w.data())).toEqual([1, 2, 3]);
    expect(Array.from(await b.data())).toEqual([5]);
    dispose([w, b, g, gb, gi]);
  });

  it('reads lr and every hyperparameter again at each step; an invalid one throws naming the group', async () => {
    const { w, b, opt } = setup();
    const g = tensor([1, 1, 1]);
    opt.paramGroups[0].lr = 0.5;
    opt.step({ w: g });
    expect(Array.from(await w.data())).toEqual([0.5, 1.5, 2.5]);
    opt.paramGroups[0].lr = Number.NaN;
    expect(() => opt.step({ w: g })).toThrow(/SGD.step: SGD: lr must be a finite number >= 0, got NaN/);
    const two = new SGD([{ params: [['w', w]] }, { params: [['b', b]], name: 'head' }], { lr: 1 });
    two.paramGroups[1].momentum = -1;
    expect(() => two.step({ w: g })).toThrow(/SGD group 1 \('head'\): momentum must be >= 0, got -1/);
    dispose([w, b, g]);
  });

  it('skips frozen parameters and parameters without a gradient; their state does not start', async () => {
    const { w, b } = setup();
    const opt = new Adam([
      ['w', w],
      ['b', b],
    ]);
    b.trainable = false;
    const g = tensor([1]);
    opt.step({ b: g });
    opt.step({});
    expect(Array.from(await b.data())).toEqual([5]);
    expect(opt.stateDict().state).toEqual({});
    dispose([w, b, g]);
  });

  it('addParamGroup adds parameters with their own options, never one already present', async () => {
    const { w, b } = setup();
    const opt = new SGD([['w', w]], { lr: 1 });
    expect(() => opt.addParamGroup({ params: [['w2', w]] })).toThrow(/listed twice \(also as 'w'\)/);
    opt.addParamGroup({ params: [['b', b]], lr: 0.5 });
    const g = tensor([2]);
    opt.step({ b: g });
    expect(Array.from(await b.data())).toEqual([4]);
    dispose([w, b, g]);
  });
});

describe('Optimizer.loadStateDict checks', () => {
  useBackend('cpu');

  const setup = () => {
    const w = owned([1, 2, 3], [3]);
    const b = owned([5], [1]);
    const opt = new Adam([{ params: [['w', w]] }, { params: [['b', b]], lr: 0.1 }]);
    const g = { w: tensor([1, -1, 2]), b: tensor([3]) };
    opt.step(g);
    return { w, b, opt, g };
  };
  const clean = (x: ReturnType<typeof setup>) => {
    x.opt.dispose();
    dispose([x.w, x.b, x.g]);
  };

  it('names each problem and changes nothing when any check fails', async () => {
    const x = setup();
    const good = x.opt.stateDict();
    const expAvg = Array.from(await (good.state.w.expAvg as Tensor).data());
    const wrongShape = tensor([1, 2]);
    const cases: [OptimizerStateDict, RegExp][] = [
      [{ ...good, optimizer: 'SGD' }, /the state dict is 'SGD''s, not Adam's/],
      [{ ...good, version: 2 as 1 }, /unknown state dict version 2/],
      [{ ...good, paramGroups: good.paramGroups.slice(0, 1) }, /has 1 parameter groups, this optimizer 2/],
      [
        { ...good, paramGroups: [{ ...good.paramGroups[0], params: ['v'] }, good.paramGroups[1]] },
        /group 0: saved names differ from this optimizer's \('v' ≠ 'w'\); pass \{ checkNames: false \}/,
      ],
      [
        { ...good, paramGroups: [{ ...good.paramGroups[0], betas: [0.9, 1] }, good.paramGroups[1]] },
        /group 0: betas\[1\] must be in \[0, 1\), got 1/,
      ],
      [
        { ...good, paramGroups: [{ ...good.paramGroups[0], lr: undefined }, good.paramGroups[1]] },
        /group 0: lr must be a finite number >= 0, got undefined/,
      ],
      [
        { ...good, state: { ...good.state, w: { ...good.state.w, expAvg: wrongShape } } },
        /expAvg has shape \[2\], the parameter \[3\]/,
      ],
      [
        { ...good, state: { ...good.state, w: { ...good.state.w, step: -1 } } },
        /step must be an integer >= 0, got -1/,
      ],
      [
        { ...good, state: { ...good.state, w: { step: 1 } } },
        /state of 'w': missing 'expAvg'; .*missing 'expAvgSq'/,
      ],
      [
        { ...good, state: { ...good.state, w: { ...good.state.w, extra: 1 } } },
        /unknown entry 'extra' \(Adam keeps expAvg, expAvgSq, maxExpAvgSq, step\)/,
      ],
      [{ ...good, state: { ...good.state, z: good.state.w } }, /state of 'z': no such parameter/],
    ];
    for (const [dict, message] of cases) expect(() => x.opt.loadStateDict(dict)).toThrow(message);
    expect(x.opt.paramGroups.map((g) => g.lr)).toEqual([1e-3, 0.1]);
    expect(Array.from(await (x.opt.stateDict().state.w.expAvg as Tensor).data())).toEqual(expAvg);
    wrongShape.dispose();
    clean(x);
  });

  it('matches by position only with checkNames: false; loads hyperparameters; keeps no reference to what it was given', async () => {
    const x = setup();
    const dict = x.opt.stateDict();
    const renamed: OptimizerStateDict = {
      ...dict,
      paramGroups: [{ ...dict.paramGroups[0], params: ['other'], lr: 0.25 }, dict.paramGroups[1]],
      state: { other: { ...dict.state.w }, b: dict.state.b },
    };
    const w2 = owned([1, 2, 3], [3]);
    const b2 = owned([5], [1]);
    const opt2 = new Adam([{ params: [['w', w2]] }, { params: [['b', b2]], lr: 0.1 }]);
    opt2.loadStateDict(renamed, { checkNames: false });
    expect(opt2.paramGroups[0].lr).toBe(0.25);
    x.opt.dispose(); // the first optimizer's state tensors go; the second's stay valid
    expect((opt2.stateDict().state.w.expAvg as Tensor).isDisposed).toBe(false);
    expect(Array.from(await (opt2.stateDict().state.w.expAvg as Tensor).data()).length).toBe(3);
    opt2.dispose();
    dispose([w2, b2, x.w, x.b, x.g]);
  });
});

describe('optimizer registry', () => {
  useBackend('cpu');

  it('builds convkit optimizers by className, with did-you-mean for unknown names', () => {
    const v = variable(tensor([1]));
    expect(registry.names()).toEqual(['SGD', 'Adam', 'AdamW', 'RMSprop']);
    const opt = registry.create('AdamW', [v], { lr: 3e-4 });
    expect(opt).toBeInstanceOf(AdamW);
    expect(opt.options).toEqual({
      lr: 3e-4,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
      maximize: false,
      fused: true,
    });
    // options round-trip: an equal optimizer from them
    expect(registry.create('AdamW', [v], { ...opt.options }).options).toEqual(opt.options);
    expect(() => registry.create('adam', [v])).toThrow(
      /unknown optimizer 'adam' \(did you mean 'Adam'\?\); known: SGD, Adam, AdamW, RMSprop/,
    );
    expect(() => registry.create('adan', [v])).toThrow(/did you mean 'Adam'/);
    expect(() => registry.create('SGD', [v])).toThrow(/SGD: lr is required/);
    expect(() => registry.register(SGD)).toThrow(/'SGD' is already registered/);
    v.dispose();
  });
});

describe('option checks', () => {
  useBackend('cpu');

  const v = () => variable(tensor([1]));
  const cases: [string, () => unknown, RegExp][] = [
    ['negative lr', () => new SGD([v()], { lr: -0.1 }), /SGD: lr must be >= 0, got -0.1/],
    ['NaN lr', () => new Adam([v()], { lr: Number.NaN }), /Adam: lr must be a finite number >= 0, got NaN/],
    [
      'Infinity lr',
      () => new RMSprop([v()], { lr: Number.POSITIVE_INFINITY }),
      /RMSprop: lr must be a finite number >= 0, got Infinity/,
    ],
    [
      'beta1 = 1',
      () => new Adam([v()], { betas: [1, 0.999] }),
      /Adam: betas\[0\] must be in \[0, 1\), got 1/,
    ],
    [
      'beta2 < 0',
      () => new AdamW([v()], { betas: [0.9, -0.1] }),
      /AdamW: betas\[1\] must be in \[0, 1\), got -0.1/,
    ],
    ['one beta', () => new Adam([v()], { betas: [0.9] as never }), /Adam: betas must be two numbers/],
    ['negative eps', () => new Adam([v()], { eps: -1 }), /Adam: eps must be >= 0, got -1/],
    ['negative weight decay', () => new SGD([v()], { lr: 1, weightDecay: -1 }), /SGD: weightDecay must be/],
    [
      'Nesterov without momentum',
      () => new SGD([v()], { lr: 1, nesterov: true }),
      /SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0/,
    ],
    [
      'Nesterov with dampening',
      () => new SGD([v()], { lr: 1, nesterov: true, momentum: 0.9, dampening: 0.1 }),
      /dampening 0.1/,
    ],
    ['alpha > 1', () => new RMSprop([v()], { alpha: 1.5 }), /RMSprop: alpha must be in \[0, 1\], got 1.5/],
    [
      'negative momentum',
      () => new RMSprop([v()], { momentum: -0.5 }),
      /RMSprop: momentum must be >= 0, got -0.5/,
    ],
    [
      'non-boolean flag',
      () => new Adam([v()], { amsgrad: 1 as never }),
      /Adam: amsgrad must be true or false, got 1/,
    ],
    [
      'fused not boolean',
      () => new Adam([v()], { fused: 'yes' as never }),
      /Adam: fused must be true or false, got 'yes'/,
    ],
    [
      'SGD without options',
      () => new SGD([v()], undefined as never),
      /SGD: options with a learning rate are required/,
    ],
    ['group lr', () => new Adam([{ params: [v()], lr: -1 }]), /Adam: lr must be >= 0, got -1/],
    [
      'a disposed model',
      () => {
        const m = new Linear({ inFeatures: 1, outFeatures: 1, rng: 0 });
        m.dispose();
        return new SGD(m, { lr: 0.1 });
      },
      /SGD: the Linear passed as params was disposed; pass a live model/,
    ],
  ];
  for (const [what, build, message] of cases) it(what, () => expect(build).toThrow(message));
});
