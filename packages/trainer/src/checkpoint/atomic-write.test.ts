import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AtomicWriteFs, writeFileAtomic } from './atomic-write';

/** node:fs/promises whose file writes fail after `limit` bytes, as a full disk or a crash would. */
function failingAfter(limit: number): AtomicWriteFs {
  return {
    rename: fs.rename,
    unlink: fs.unlink,
    async open(path, flags) {
      const handle = await fs.open(path, flags);
      let written = 0;
      return {
        sync: () => handle.sync(),
        close: () => handle.close(),
        async write(buffer, offset, length) {
          const n = Math.min(length, limit - written);
          if (n <= 0) throw new Error('ENOSPC: no space left on device (simulated)');
          const r = await handle.write(buffer, offset, n);
          written += r.bytesWritten;
          return r;
        },
      };
    },
  };
}

describe('writeFileAtomic', () => {
  it('replaces the file whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convkit-atomic-'));
    const path = join(dir, 'ckpt.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(path, new Uint8Array([4, 5]));
    expect([...readFileSync(path)]).toEqual([4, 5]);
    expect(readdirSync(dir)).toEqual(['ckpt.bin']);
  });

  it('a write that fails midway leaves the previous file intact and no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convkit-atomic-'));
    const path = join(dir, 'last.safetensors');
    writeFileSync(path, 'previous checkpoint');
    const big = new Uint8Array(1 << 20).fill(7);
    await expect(writeFileAtomic(path, big, failingAfter(1000))).rejects.toThrow(/ENOSPC/);
    expect(readFileSync(path, 'utf8')).toBe('previous checkpoint');
    expect(readdirSync(dir)).toEqual(['last.safetensors']);
  });
});
