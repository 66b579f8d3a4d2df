import type { Rng } from '@convkit/backend';
import { Flatten, type Module } from '@convkit/core';
import type { Dropout } from '@convkit/regularization';
import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import { checkNumClasses, classifier, type ForwardHeadOptions, ZooModel } from './model';

/**
 * The head of ResNet and the MNIST CNN (torchvision's `fc` layout): the subclass's `pool`, `flatten`, an
 * optional `drop` (Dropout, when `dropRate` > 0) and `fc`, one linear layer with PyTorch's default init
 * (`Identity` for `numClasses` 0). A subclass builds its features, then calls `setHead`.
 */
export abstract class LinearHeadModel extends ZooModel {
  readonly flatten = new Flatten();
  private dropout: Dropout | null = null;
  private fc!: Module;

  /** Registers `flatten`, `drop` (when given) and `fc`, in torchvision's key order. */
  protected setHead(drop: Dropout | null, fc: Module): void {
    this.addModule('flatten', this.flatten);
    this.dropout = drop ? this.addModule('drop', drop) : null;
    this.fc = this.addModule('fc', fc);
  }

  /** The dropout before `fc`, or null with `dropRate` 0. */
  get drop(): Dropout | null {
    return this.dropout;
  }

  get classifierName(): string {
    return 'fc';
  }

  /** What comes before `flatten` (the identity; ResNet's global average pool). */
  protected pool(features: Tensor): Tensor {
    return features;
  }

  forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Tensor {
    return tidy(() => {
      let y = this.flatten.call(this.pool(features));
      if (this.dropout) y = this.dropout.call(y);
      return options.preLogits ? y : this.fc.call(y);
    });
  }

  resetClassifier(numClasses: number, options: { rng?: number | Rng } = {}): void {
    checkNumClasses(`${this.className}.resetClassifier`, numClasses);
    const old = this.fc;
    this.fc = this.replaceModule('fc', classifier(this.numFeatures, numClasses, options.rng));
    old.dispose();
    this.options.numClasses = numClasses;
  }
}
