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

let stagedSeq = 0;

/** A file written and fsynced under a temporary name, not yet in place (see stageFile). */
export interface StagedFile {
  /** rename it over the target and fsync the directory (waits for the data fsync first) */
  install(): Promise<void>;
  /** remove the temporary file (in the background) */
  discard(): void;
}

/**
 * The first half of writeFileAtomic, started now and finished later: the
 * data goes into a new temporary file in the target's directory and its
 * fsync runs on the thread pool while the caller goes on (a commit diffs
 * and prepares its appliers meanwhile). install() is the commit point:
 * after the fsync, rename over the target, then fsync the directory. The
 * short steps (open, write into the page cache, close, rename) are
 * synchronous, which costs less than a thread-pool round trip each.
 */
export function stageFile(file: string, data: string | Buffer, mode = 0o600): StagedFile {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${++stagedSeq}.tmp`);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = fs.openSync(tmp, 'w', mode);
  let synced: Promise<void>;
  try {
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    synced = new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  // the fd is closed once the fsync is over, whatever happens to the file
  const closed = synced.finally(() => fs.closeSync(fd));
  closed.catch(() => undefined);
  let used = false;
  return {
    install: async () => {
      if (used) throw new Error('staged file used twice');
      used = true;
      try {
        await closed;
        fs.renameSync(tmp, file);
      } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw e;
      }
      await fsyncDirAsync(dir);
    },
    discard: () => {
      if (used) return;
      used = true;
      const rm = (): void => fs.unlink(tmp, () => undefined);
      closed.then(rm, rm);
    },
  };
}

/** writeFileAtomic with the data and directory fsyncs on the thread pool. */
export async function writeFileDurable(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  await stageFile(file, data, mode).install();
}

async function fsyncDirAsync(dir: string): Promise<void> {
  const fd = fs.openSync(dir, 'r');
  try {
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
  } finally {
    fs.closeSync(fd);
  }
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
