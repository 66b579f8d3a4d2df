import { didYouMean } from './did-you-mean';

/**
 * Classes of one kind (optimizers, schedules) by name: what the command line builds from flags.
 *
 * An explicit instance: nothing registers itself on import. `register(cls)` files a class under its
 * static `className` (or `register(name, cls)` under another name) and throws on a duplicate; `get`
 * throws on an unknown name with the closest known one and the list of known ones.
 *
 * @example
 * const registry = new Registry<OptimizerClass>('optimizer');
 * registry.register(Adam);   // 'Adam'
 * registry.get('adam');      // throws: unknown optimizer 'adam' (did you mean 'Adam'?); known: Adam
 */
export class Registry<T extends { readonly className?: string }> {
  private readonly entries = new Map<string, T>();

  /** `kind` names the entries in error messages ("optimizer", "schedule"). */
  constructor(readonly kind: string) {}

  /** Registers `cls` under its static `className`, or under `name`; throws when the name is taken. */
  register(cls: T): this;
  register(name: string, cls: T): this;
  register(nameOrClass: string | T, cls?: T): this {
    const value = (typeof nameOrClass === 'string' ? cls : nameOrClass) as T;
    const name = typeof nameOrClass === 'string' ? nameOrClass : value?.className;
    if (typeof name !== 'string' || name.length === 0) {
      throw new Error(
        `${this.kind} registry: a name must be a non-empty string (a class's static className), got ${JSON.stringify(name)}`,
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
