/** Thrown when a backend's npm package is not installed. */
export class MissingPackageError extends Error {
  constructor(
    readonly backend: string,
    readonly packageName: string,
    cause: unknown,
  ) {
    super(
      `convkit: the "${backend}" backend needs the npm package ${packageName}, which is not installed. ` +
        `Install it next to @tensorflow/tfjs-core (same version), e.g. \`npm install ${packageName}\`.`,
      { cause },
    );
    this.name = 'MissingPackageError';
  }
}

const notFoundCodes = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

function isNotFound(err: unknown, packageName: string): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (!err.message.includes(packageName)) return false;
  return (
    (typeof code === 'string' && notFoundCodes.has(code)) ||
    /cannot find (module|package)|failed to (resolve|load)/i.test(err.message)
  );
}

/**
 * Runs `load` (a dynamic `import()` of `packageName`) and turns "not installed" into a
 * `MissingPackageError` naming the package; other errors pass through.
 */
export async function loadPackage<T>(
  backend: string,
  packageName: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw isNotFound(err, packageName) ? new MissingPackageError(backend, packageName, err) : err;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions?.node === 'string';
