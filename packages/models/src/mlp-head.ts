import type { Rng } from '@convkit/backend';
import {
  AdaptiveAvgPool2d,
  checkImage,
  Flatten,
  Linear,
  layerRng,
  type Module,
  Sequential,
} from '@convkit/core';
import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import {
  checkNumClasses,
  type FeatureInfo,
  type ForwardHeadOptions,
  sequentialStages,
  ZooModel,
} from './model';

/**
 * torchvision's layout of AlexNet and VGG: `features` (a Sequential of convs, activations and max-pools),
 * `avgpool` (adaptive, to `poolSize`×`poolSize`), `flatten`, and `classifier`, a Sequential MLP whose last
 * layer gives the logits (`Identity` for `numClasses` 0).
 *
 * A subclass fills `features`, calls `endStage` at the end of each stage (before each max-pool), then
 * `setClassifier`; it says how its last layer is built and initialized in `lastLayer`.
 */
export abstract class MlpHeadModel extends ZooModel {
  readonly features = new Sequential();
  readonly avgpool: AdaptiveAvgPool2d;
  readonly flatten = new Flatten();
  private classifier!: Sequential;
  private hidden = 0;
  private lastChannels = 0;
  private readonly stages: FeatureInfo[] = [];
  private readonly stageIndices = new Set<number>();

  protected constructor(private readonly poolSize: number) {
    super();
    this.addModule('features', this.features);
    this.avgpool = this.addModule('avgpool', new AdaptiveAvgPool2d({ outputSize: poolSize }));
    this.addModule('flatten', this.flatten);
  }

  /** The classifier's last layer: `Linear(hidden → numClasses)` with the family's init, or `Identity` for 0. */
  protected abstract lastLayer(hidden: number, numClasses: number, rng: Rng): Module;

  /** Marks the last layer added to `features` as the end of a stage (`featureInfo`, `forwardStages`). */
  protected endStage(channels: number, reduction: number): void {
    const index = this.features.length - 1;
    this.stages.push({ module: `features.${index}`, channels, reduction });
    this.stageIndices.add(index);
  }

  /** Registers the classifier: `layers` read `channels · poolSize²` features, `hidden` wide before the last. */
  protected setClassifier(channels: number, hidden: number, layers: Module[]): void {
    this.lastChannels = channels;
    this.hidden = hidden;
    this.classifier = this.addModule('classifier', new Sequential(...layers));
  }

  get numFeatures(): number {
    return this.hidden;
  }

  get classifierName(): string {
    return `classifier.${this.classifier.length - 1}`;
  }

  /** The classifier's first linear layer reads the flattened `[poolSize, poolSize, channels]` map. */
  override torchFlattenShapes(): Record<string, [number, number, number]> {
    const first = [...this.classifier].findIndex((layer) => layer instanceof Linear);
    return { [`classifier.${first}`]: [this.poolSize, this.poolSize, this.lastChannels] };
  }

  forwardFeatures(x: Tensor): Tensor {
    checkImage(this.className, x, this.options.inChannels);
    return this.features.call(x);
  }

  /** Pools to `poolSize`² and runs the classifier; `preLogits` stops before its last layer. */
  forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Tensor {
    return tidy(() => {
      let y = this.flatten.call(this.avgpool.call(features));
      const layers = [...this.classifier];
      for (const layer of options.preLogits ? layers.slice(0, -1) : layers) y = layer.call(y);
      return y;
    });
  }

  /** The activation at the end of each stage (before each max-pool). */
  featureInfo(): FeatureInfo[] {
    return this.stages.map((stage) => ({ ...stage }));
  }

  forwardStages(x: Tensor): Tensor[] {
    checkImage(this.className, x, this.options.inChannels);
    return sequentialStages(this.features, x, this.stageIndices);
  }

  resetClassifier(numClasses: number, options: { rng?: number | Rng } = {}): void {
    checkNumClasses(`${this.className}.resetClassifier`, numClasses);
    const last = this.lastLayer(this.hidden, numClasses, layerRng(options.rng, this.className));
    this.classifier = this.replaceLastLayer('classifier', this.classifier, last);
    this.options.numClasses = numClasses;
  }
}
