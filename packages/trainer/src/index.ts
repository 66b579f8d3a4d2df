export { type AtomicWriteFs, writeFileAtomic } from './checkpoint/atomic-write';
export {
  CHECKPOINT_FORMAT,
  Checkpoint,
  type CheckpointData,
  type CheckpointParts,
  decodeCheckpoint,
  encodeCheckpoint,
  restoreCheckpoint,
} from './checkpoint/checkpoint';
export { loadCheckpoint, saveCheckpoint } from './checkpoint/file';
export { moduleRngs } from './checkpoint/module-rngs';
export { type ClipGradNormOptions, type ClippedGrads, clipGradNorm, clipGradValue } from './clip';
export { closestName, didYouMean } from './did-you-mean';
export type { BatchEnd, Callback, FitState } from './fit/callbacks';
export { EarlyStopping, type EarlyStoppingOptions } from './fit/early-stopping';
export { type EvaluateOptions, type Evaluation, evaluate } from './fit/evaluate';
export { type Augment, type FitOptions, fit, type Mix } from './fit/fit';
export {
  type EpochRecord,
  type History,
  type HistoryMeta,
  monitored,
  type StepRecord,
  type StopReason,
} from './fit/history';
export type { LossFn } from './fit/loss';
export type { MetricName, Scores } from './fit/metrics';
export { ModelCheckpoint, type ModelCheckpointOptions } from './fit/model-checkpoint';
export { NonFiniteStepError } from './fit/non-finite';
export { ProgressBar, type ProgressBarOptions, type ProgressStream } from './fit/progress-bar';
export { type AdamMoments, type AdamUpdateConfig, adamUpdate } from './ops/adam-update';
export { type RmspropBuffers, type RmspropUpdateConfig, rmspropUpdate } from './ops/rmsprop-update';
export { type SgdUpdateConfig, sgdUpdate } from './ops/sgd-update';
export { Adam, AdamFamily, type AdamGroupOptions, type AdamOptions, type AdamState } from './optim/adam';
export { AdamW } from './optim/adamw';
export {
  type GroupOptions,
  type LoadOptimizerStateOptions,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamState,
  type SavedParamGroup,
  type StateSpec,
} from './optim/optimizer';
export {
  type NamedParameter,
  namedParameters,
  type OptimizerParams,
  type ParamGroupInput,
  type ParamSource,
} from './optim/params';
export {
  createOptimizerRegistry,
  type OptimizerClass,
  OptimizerRegistry,
  registerOptimizers,
} from './optim/registry';
export { RMSprop, type RmspropGroupOptions, type RmspropOptions, type RmspropState } from './optim/rmsprop';
export { SGD, type SgdGroupOptions, type SgdOptions, type SgdState } from './optim/sgd';
export {
  checkInitialLoss,
  type InitialLossOptions,
  type InitialLossVerdict,
} from './recipe/check-initial-loss';
export { type DiagnoseOptions, type DiagnoseVerdict, diagnose, type Finding } from './recipe/diagnose';
export { findLearningRate, type LrFinderOptions, type LrFinderVerdict } from './recipe/find-learning-rate';
export { type OverfitOptions, type OverfitVerdict, overfitSmallSample } from './recipe/overfit-small-sample';
export type { Verdict } from './recipe/verdict';
export { Registry } from './registry';
export {
  mountCharts,
  type ReportChart,
  type ReportHistory,
  type ReportInput,
  type ReportLrFinder,
  type ReportScores,
  type ReportVerdict,
  reportCharts,
} from './report/charts';
export { ChainedScheduler } from './schedule/chained-scheduler';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './schedule/cosine-annealing-lr';
export {
  CosineAnnealingWarmRestarts,
  type CosineAnnealingWarmRestartsOptions,
} from './schedule/cosine-annealing-warm-restarts';
export { ExponentialLR, type ExponentialLROptions } from './schedule/exponential-lr';
export { LinearLR, type LinearLROptions } from './schedule/linear-lr';
export { MultiStepLR, type MultiStepLROptions } from './schedule/multi-step-lr';
export { OneCycleLR, type OneCycleLROptions } from './schedule/one-cycle-lr';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './schedule/reduce-lr-on-plateau';
export {
  createScheduleRegistry,
  registerSchedules,
  type ScheduleClass,
  ScheduleRegistry,
} from './schedule/registry';
export { LrScheduler, type ScheduleStateDict } from './schedule/scheduler';
export { SequentialLR, type SequentialLROptions } from './schedule/sequential-lr';
export { StepLR, type StepLROptions } from './schedule/step-lr';
export {
  type FineStageOptions,
  type RandomSearchOptions,
  randomSearch,
  rankTrials,
  type SearchResult,
  type TrialRecord,
} from './search/random-search';
export {
  errorMessage,
  InProcessRunner,
  runTrial,
  type Trial,
  type TrialContext,
  type TrialOutcome,
  type TrialResult,
  type TrialRunner,
  type TrialSpec,
} from './search/runner';
export {
  checkSpace,
  choice,
  int,
  logUniform,
  type ParamSpec,
  type Params,
  type ParamValue,
  type SearchSpace,
  sampleParam,
  sampleSpace,
  shrinkSpace,
  uniform,
} from './search/space';
export { joinTensors, type NumberRef, type SplitState, splitTensors, type TensorRef } from './state';
