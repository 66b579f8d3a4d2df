import { didYouMean } from './did-you-mean';

/**
 * Named entries of one kind (optimizers, schedules): what the command line builds from flags.
 *
 * An explicit instance: nothing registers itself on import. `register` throws on a duplicate name,
 * `get` on an unknown one, with the closest known name and the list of known ones.
 *
 * @example
 * const registry = new Registry<OptimizerFactory>('optimizer');
 * registry.register('adam', (params, options) => new Adam(params, options));
 * registry.get('Adam'); // throws: unknown optimizer 'Adam' (did you mean 'adam'?); known: adam
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();

  /** `kind` names the entries in error messages ("optimizer", "schedule"). */
  constructor(readonly kind: string) {}

  /** Adds `value` under `name`; throws when the name is taken. */
  register(name: string, value: T): this {
    if (typeof name !== 'string' || name.length === 0) {
      throw new Error(
        `${this.kind} registry: a name must be a non-empty string, got ${JSON.stringify(name)}`,
      );
    }
    if (this.entries.has(name)) throw new Error(`${this.kind} registry: '${name}' is already registered`);
    this.entries.set(name, value);
    return this;
  }

  /** The entry called `name`; throws with the closest and the known names when there is none. */
  get(name: string): T {
    const value = this.entries.get(name);
    if (value === undefined) {
      const known = this.names();
      throw new Error(
        `unknown ${this.kind} '${String(name)}'${didYouMean(String(name), known)}; known: ${known.join(', ')}`,
      );
    }
    return value;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The registered names, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }
}
