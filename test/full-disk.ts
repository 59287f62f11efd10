/**
 * A small tmpfs to run a test on a file system that fills up (as root), and
 * the filler that fills it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Mount a tmpfs of `size` (e.g. '1m') on a new temporary directory; returns it. */
function mountTmpfs(prefix: string, size: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  return dir;
}

/** Unmount (lazily: a test that failed may still hold a file open) and remove the directory. */
function unmountTmpfs(dir: string): void {
  if (!dir) return;
  try {
    execFileSync('umount', ['-l', dir]);
  } catch {
    /* not mounted */
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * For the describe it is called in: a tmpfs of `size`, mounted before its
 * tests (skipped unless run as root) and removed after them, once `cleanup`
 * (whatever still uses it) has run. Returns the mount point's getter.
 */
export function tmpfsForSuite(prefix: string, size: string, cleanup?: () => Promise<void> | void): () => string {
  let mnt = '';
  before(function () {
    if (process.getuid?.() !== 0) this.skip();
    mnt = mountTmpfs(prefix, size);
  });
  after(async () => {
    await cleanup?.();
    unmountTmpfs(mnt);
  });
  return () => mnt;
}

/** Fill the file system of `dir` to the last byte; returns the filler (remove it to make room). */
export function fill(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  for (const size of [65536, 4096, 1]) {
    const chunk = Buffer.alloc(size, 0x78);
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    }
  }
  fs.closeSync(fd);
  return filler;
}
