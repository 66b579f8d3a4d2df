export { Module, type ModuleConfig, type LoadStateDictOptions } from './module';
