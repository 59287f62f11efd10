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
    writeAll(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      /* closed already */
    }
    fs.rmSync(tmp, { force: true }); // a full file system keeps no half-written temporary
    // a write or fsync error names no file (it is about a descriptor): the one being written
    (e as NodeJS.ErrnoException).path ??= file;
    throw e;
  }
  fsyncDir(dir);
}

export async function writeFileAtomicAsync(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fh = await fs.promises.open(tmp, 'w', mode);
  try {
    try {
      await fh.writeFile(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true }); // a full file system keeps no half-written temporary
    throw e;
  }
  await fsyncDirAsync(dir);
}

let stagedSeq = 0;

/**
 * The first half of writeFileAtomic, done now, finished later: the data
 * goes into a temporary file in the target's directory and is fdatasynced,
 * either here on the calling thread (`syncNow`) or on the thread pool, so
 * that it proceeds while the caller goes on without yielding (a commit of a
 * large configuration validates, diffs and prepares its appliers
 * meanwhile). install() is the commit point: once the data is on disk,
 * rename over the target, then fsync the directory, both here. discard()
 * removes the temporary file in the background.
 *
 * The short steps are synchronous: for a small file a thread-pool round
 * trip costs more than the system call. A round trip is two wake-ups (the
 * pool thread, then the main thread when it is done), and on a busy machine
 * each can wait for the CPU: measured under the commit benchmark, the
 * directory fsync took 0.25 ms at p50 either way, but 1.5-3 ms at p99 on
 * the thread pool against 0.3-0.45 ms here.
 *
 * `spare`: a file that may be overwritten instead of creating a new one
 * (the datastore's oldest rollback entry, moved aside when it was pruned).
 * A new file costs an inode and fresh blocks, which ext4 allocates as
 * unwritten extents: its fdatasync then waits for a kernel worker to
 * convert them, and the blocks the pruned file frees are discarded. Written
 * over in place, the same blocks are reused and the fdatasync is the data
 * write and a cache flush. The spare is written where it is (it becomes
 * the temporary file, and install() renames it): a rename here would dirty
 * its inode in a journal transaction of its own, which the fdatasync would
 * then have to commit (measured: 0.22-0.29 ms against 0.15-0.17 at p50).
 * It is used only when it is a regular file with no other link and no other
 * staged file of this process has it, and cut to the new length when it
 * was longer.
 *
 * `durable: false`: no fdatasync and no directory fsync (install() then
 * completes synchronously); for a file whose content is on disk elsewhere.
 */
export class StagedFile {
  readonly tmp: string;
  private fd: number;
  /** the thread pool's fdatasync; undefined when it was done in the constructor */
  private synced: Promise<void> | undefined;
  private used = false;
  /**
   * false: written without a flush, and install() renames without one
   * (the datastore's commit journal holds the content durably)
   */
  readonly durable: boolean;
  /** the spare this file is written in (see takeSpare), until installed or dropped */
  private spare: string | undefined;

  constructor(
    readonly file: string,
    data: string | Buffer,
    opts: { mode?: number; spare?: string; syncNow?: boolean; durable?: boolean } = {},
  ) {
    const { mode = 0o600, spare, syncNow = false, durable = true } = opts;
    this.durable = durable;
    const reused = spare === undefined ? undefined : takeSpare(spare, mode);
    this.tmp = reused !== undefined ? spare! : path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++stagedSeq}.tmp`);
    if (reused !== undefined) this.spare = spare;
    const fd = (this.fd = reused?.fd ?? fs.openSync(this.tmp, 'w', mode));
    try {
      const n = writeAll(fd, data);
      // what is left of the spare's longer text is cut off (a shorter one is all written over)
      if (reused !== undefined && reused.size > n) fs.ftruncateSync(fd, n);
      if (syncNow && durable) fs.fdatasyncSync(fd);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(this.tmp, { force: true }); // a full file system keeps no half-written file, nor the spare
      this.releaseSpare();
      throw e;
    }
    if (syncNow || !durable) return;
    this.synced = new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
    this.synced.catch(() => undefined);
  }

  /**
   * Once the data is on disk, rename over the target and fsync the
   * directory: when the returned promise resolves, the new file is durable.
   * `beforeDirSync` runs between the two: changes of the directory made
   * there (the datastore's history link and pruning) go to disk with the
   * same fsync. Not `durable`: renamed, no flush of either.
   */
  async install(beforeDirSync?: () => void): Promise<void> {
    if (this.used) throw new Error('staged file installed twice');
    this.used = true;
    if (this.synced) {
      try {
        await this.synced;
      } catch (e) {
        this.cleanup();
        throw e;
      }
    }
    fs.closeSync(this.fd);
    try {
      fs.renameSync(this.tmp, this.file);
    } catch (e) {
      fs.rmSync(this.tmp, { force: true });
      throw e;
    } finally {
      this.releaseSpare();
    }
    beforeDirSync?.();
    if (this.durable) fsyncDir(path.dirname(this.file));
  }

  /** Drop the temporary file (no-op once installed). */
  discard(): void {
    if (this.used) return;
    this.used = true;
    this.cleanup();
  }

  private cleanup(): void {
    // A spare stays the spare (its content does not matter): free at once for the next staged
    // file, which writes it through a descriptor of its own. This one is closed once no
    // fdatasync runs on it; a temporary file of its own is then removed.
    const spare = this.spare !== undefined;
    this.releaseSpare();
    const rm = (): void => fs.close(this.fd, () => (spare ? undefined : fs.unlink(this.tmp, () => undefined)));
    if (this.synced) this.synced.then(rm, rm);
    else rm();
  }

  private releaseSpare(): void {
    if (this.spare !== undefined) sparesInUse.delete(this.spare);
    this.spare = undefined;
  }
}

/** spares a staged file of this process is written in */
const sparesInUse = new Set<string>();

/**
 * Open `spare` for writing over (its descriptor and length), or undefined
 * when there is none, another staged file has it, or it is not a plain
 * file of ours alone (then it is removed, and the caller creates a new
 * file).
 */
function takeSpare(spare: string, mode: number): { fd: number; size: number } | undefined {
  if (sparesInUse.has(spare)) return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(spare, fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isFile() && st.nlink === 1) {
      if ((st.mode & 0o7777) !== mode) fs.fchmodSync(fd, mode);
      sparesInUse.add(spare);
      return { fd, size: st.size };
    }
  } catch {
    /* not usable: a new file instead */
  }
  fs.closeSync(fd);
  fs.rmSync(spare, { force: true });
  return undefined;
}

/**
 * Write all of `data` at the file's current offset; returns its length in
 * bytes. A string is handed to
 * the write as it is (Node encodes it outside the JavaScript heap), not
 * copied into a Buffer first: for a large configuration that Buffer was
 * megabytes of external memory per commit, which the garbage collector
 * counts.
 */
function writeAll(fd: number, data: string | Buffer): number {
  let buf: Buffer;
  let off = 0;
  if (typeof data === 'string') {
    const n = fs.writeSync(fd, data, null, 'utf8');
    const total = Buffer.byteLength(data, 'utf8');
    if (n === total) return total;
    buf = Buffer.from(data, 'utf8'); // a short write (rare): the rest from a Buffer
    off = n;
  } else buf = data;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
  return buf.length;
}

export async function fsyncDirAsync(dir: string): Promise<void> {
  const fd = fs.openSync(dir, 'r');
  try {
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
  } finally {
    fs.closeSync(fd);
  }
}

/** fsync a file that may have been written without a flush (a missing one is not an error). */
export function syncFile(file: string): void {
  try {
    fsyncPath(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

export function fsyncDir(dir: string): void {
  fsyncPath(dir);
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** errors of a file system that has no room for a write (or takes none) */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

/** `e` says the file system has no room for a write, or takes none (read-only). */
export function noRoom(e: unknown): boolean {
  return NO_ROOM.has((e as NodeJS.ErrnoException)?.code ?? '');
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

/** A temporary file of writeFileAtomic or StagedFile: `.NAME.PID.tmp` or `.NAME.PID.N.tmp`. */
const TEMPORARY = /^\..+\.\d+(\.\d+)?\.tmp$/;

/** Remove the temporary files an agent that was stopped mid-write left in `dir`. */
export function removeStaleTemporaries(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (TEMPORARY.test(n)) fs.rmSync(path.join(dir, n), { force: true });
}
