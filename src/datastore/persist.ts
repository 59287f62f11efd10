/**
 * Durable files: every write goes to a temporary file in the same directory,
 * is fsynced, renamed over the target, and the directory is fsynced, so a
 * crash leaves either the old or the new content, never a mix.
 */
import * as fs from 'fs';
import * as path from 'path';

export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(dir);
}

export async function writeFileAtomicAsync(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fh = await fs.promises.open(tmp, 'w', mode);
  try {
    await fh.writeFile(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
  const dh = await fs.promises.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/**
 * writeFileAtomic for the commit path: the same steps and guarantees, but
 * the data fsync (the one wait that matters, ~0.5 ms) runs on the thread
 * pool so other sessions are served meanwhile; the short steps (open,
 * write into the page cache, close, rename, directory fsync) are made
 * synchronously, which costs less than a thread-pool round trip each.
 */
export async function writeFileDurable(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Read a file, or undefined when it does not exist (other errors propagate). */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
