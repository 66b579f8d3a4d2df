export { type ActivationStatsOptions, activationStats, type LayerStats } from './activation-stats';
export { formatStatsTable } from './format-table';
export type { ForwardHook, HookableModule, InspectableModel } from './hookable';
export { type StdSeries, type SvgPlotOptions, statsToSvg } from './svg-plot';
