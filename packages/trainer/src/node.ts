// @convkit/trainer/node: what needs Node (worker threads, the file system). The browser-safe API is
// the package's main entry.
export { DATASET_NAMES, type DataSpec, type LoadedData, loadDataByName } from './data-by-name';
export { type RenderReportOptions, renderReport, writeReport } from './report/html';
export { FIT_TRIAL_PARAMS, type FitTrialOptions, fitTrial } from './search/fit-trial';
export { type WorkerPoolOptions, WorkerPoolRunner } from './search/worker-pool';
