/** The file operations {@link writeFileAtomic} uses: a subset of `node:fs/promises` (tests pass a failing one). */
export interface AtomicWriteFs {
  open(
    path: string,
    flags: string,
  ): Promise<{
    write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
    sync(): Promise<void>;
    close(): Promise<void>;
  }>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** Bytes per write call: a crash mid-file then leaves a partial temp file, never a partial target. */
const CHUNK = 1 << 22;

let counter = 0;

/**
 * Writes `bytes` to `path` atomically: into a temp file beside it (`<path>.tmp-<pid>-<n>`), flushed to
 * disk (`fsync`), then renamed over `path`, and the folder flushed, so a crash or an error at any
 * moment leaves either the old file or the new one, complete — never a half-written `path`. On an
 * error the temp file is removed and the error rethrown. Node only.
 *
 * @example
 * await writeFileAtomic('run/history.json', new TextEncoder().encode(JSON.stringify(history)));
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, fs?: AtomicWriteFs): Promise<void> {
  const io = fs ?? (await nodeFs());
  const pid = typeof process !== 'undefined' ? process.pid : 0;
  const tmp = `${path}.tmp-${pid}-${counter++}`;
  let handle: Awaited<ReturnType<AtomicWriteFs['open']>> | undefined;
  try {
    handle = await io.open(tmp, 'w');
    for (let at = 0; at < bytes.length; ) {
      const { bytesWritten } = await handle.write(bytes, at, Math.min(CHUNK, bytes.length - at));
      at += bytesWritten;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await io.rename(tmp, path);
  } catch (err) {
    await handle?.close().catch(() => {});
    await io.unlink(tmp).catch(() => {});
    throw err;
  }
  await syncFolder(path, io);
}

/** Flushes the folder entry of the rename (best effort: not every platform can open a folder). */
async function syncFolder(path: string, io: AtomicWriteFs): Promise<void> {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dir = slash < 0 ? '.' : path.slice(0, slash) || '/';
  try {
    const h = await io.open(dir, 'r');
    await h.sync().finally(() => h.close());
  } catch {
    // Windows cannot fsync a folder; the rename is still atomic there.
  }
}

async function nodeFs(): Promise<AtomicWriteFs> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(
      'writeFileAtomic: writing files needs Node; in a browser keep the bytes (e.g. in IndexedDB)',
    );
  }
  // A computed specifier, so that browser bundles do not try to resolve Node's fs.
  const spec = 'node:fs/promises';
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ spec)) as AtomicWriteFs;
}
