import { runConformanceSuite } from './conformance';

// Every kernel and gradient convkit adds, and a training step, on cpu / wasm / webgpu against cpu.
runConformanceSuite();
