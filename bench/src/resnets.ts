import { Rng } from '@convkit/backend';
import {
  Conv2d,
  Flatten,
  GlobalAvgPool2d,
  Linear,
  type Module,
  ReLU,
  Residual,
  Sequential,
} from '@convkit/core';
import { BatchNorm2d } from '@convkit/norms';

/**
 * The two networks of the PyTorch comparison, built from `@convkit/core` and `@convkit/norms` layers
 * (NHWC). `bench/torch_resnet.py` builds the same architectures in PyTorch; the parameter counts are
 * compared at run time.
 *
 * - ResNet-18, CIFAR variant: 3×3 stride-1 stem, no max-pool, basic blocks [2, 2, 2, 2] at widths
 *   64-128-256-512, 1×1 projection shortcuts where the shape changes, global average pool, 10 classes:
 *   11,173,962 parameters (He et al. 2016; the usual CIFAR adaptation, e.g. kuangliu/pytorch-cifar).
 * - Small ResNet: the same with widths 16-32-64-128 and one block per stage.
 */
export interface ResNetSpec {
  widths: readonly number[];
  blocks: readonly number[];
  classes: number;
}

export const RESNET18_CIFAR: ResNetSpec = { widths: [64, 128, 256, 512], blocks: [2, 2, 2, 2], classes: 10 };
export const SMALL_RESNET: ResNetSpec = { widths: [16, 32, 64, 128], blocks: [1, 1, 1, 1], classes: 10 };

const conv = (cin: number, cout: number, k: number, stride: number, rng: Rng) =>
  new Conv2d({
    inChannels: cin,
    outChannels: cout,
    kernelSize: k,
    stride,
    padding: k === 3 ? 1 : 0,
    bias: false,
    rng: rng.fork(),
  });

const bn = (c: number) => new BatchNorm2d({ numFeatures: c });

/** relu(bn(conv3×3(relu(bn(conv3×3(x))))) + shortcut(x)), the shortcut a 1×1 conv + BN when the shape changes. */
function basicBlock(cin: number, cout: number, stride: number, rng: Rng): Module {
  const body = new Sequential(
    conv(cin, cout, 3, stride, rng),
    bn(cout),
    new ReLU(),
    conv(cout, cout, 3, 1, rng),
    bn(cout),
  );
  const shortcut =
    stride !== 1 || cin !== cout ? new Sequential(conv(cin, cout, 1, stride, rng), bn(cout)) : undefined;
  return new Sequential(new Residual(body, shortcut), new ReLU());
}

/** A CIFAR ResNet for [N, 32, 32, 3] inputs, seeded. */
export function cifarResNet(spec: ResNetSpec, seed = 0): Sequential {
  const rng = new Rng(seed);
  const [stem = 64] = spec.widths;
  const net = new Sequential(conv(3, stem, 3, 1, rng), bn(stem), new ReLU());
  let cin = stem;
  spec.widths.forEach((width, stage) => {
    for (let b = 0; b < (spec.blocks[stage] ?? 0); b++) {
      net.add(basicBlock(cin, width, stage > 0 && b === 0 ? 2 : 1, rng));
      cin = width;
    }
  });
  net.add(new GlobalAvgPool2d());
  net.add(new Flatten());
  net.add(new Linear({ inFeatures: cin, outFeatures: spec.classes, rng: rng.fork() }));
  return net;
}
