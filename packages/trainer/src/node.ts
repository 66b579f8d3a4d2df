// @convkit/trainer/node: what needs Node (worker threads, the file system). The browser-safe API is
// the package's main entry.
export { type RenderReportOptions, renderReport, writeReport } from './report/html';
export { type WorkerPoolOptions, WorkerPoolRunner } from './search/worker-pool';
