export { sampleBeta, sampleGamma } from './beta';
export {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  type Factor,
  rgbToGrayscale,
} from './color';
export { type ColorJitterOptions, colorJitter } from './color-jitter';
export { compose, fixed, type Pipeline, type PipelineOptions, type Step, step } from './compose';
export {
  CIFAR10_STATS,
  DATASET_STATS,
  FASHION_MNIST_STATS,
  IMAGENET_STATS,
  MNIST_STATS,
  type NormalizationStats,
} from './constants';
export { cutmix, cutmixBox } from './cutmix';
export { type CutoutOptions, cutout } from './cutout';
export { type DefaultPipelineOptions, defaultTrainPipeline } from './default-pipeline';
export { type EraseValue, erase, type RandomErasingOptions, randomErasing, sampleEraseBox } from './erasing';
export { type FlipOptions, randomHorizontalFlip, randomVerticalFlip } from './flip';
export { type RandomGrayscaleOptions, randomGrayscale } from './grayscale';
export type { MixResult } from './mix-labels';
export { type MixOptions, mixup } from './mixup';
export { denormalize, normalize, normalizeChannels, toFloat } from './normalize';
export {
  RAND_AUGMENT_OPS,
  type RandAugmentOp,
  type RandAugmentOptions,
  randAugment,
} from './rand-augment';
export { centerCrop, type RandomCropOptions, randomCrop } from './random-crop';
export {
  type Box,
  type RandomResizedCropOptions,
  randomResizedCrop,
  resizedCrop,
  sampleResizedCropBox,
} from './resized-crop';
export { type RandomRotationOptions, randomRotation, rotate, rotationMatrices } from './rotate';
export type { PadMode } from './sampling';
export { adjustSharpness } from './sharpness';
export { ChannelStats, type ChannelStatsOptions, channelStats, type StatsBatch } from './stats';
export { autoContrast, equalize, posterize, solarize } from './tone';
export { type RandomTranslateOptions, randomTranslate } from './translate';
export type { AugmentOp } from './types';
