export { Rng, toRng } from './random';
