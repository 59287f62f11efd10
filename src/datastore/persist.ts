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

const openP = (file: string, mode: number): Promise<number> =>
  new Promise((resolve, reject) => fs.open(file, 'w', mode, (e, fd) => (e ? reject(e) : resolve(fd))));
const writeP = (fd: number, buf: Buffer, off: number): Promise<number> =>
  new Promise((resolve, reject) => fs.write(fd, buf, off, buf.length - off, null, (e, n) => (e ? reject(e) : resolve(n))));
const fdatasyncP = (fd: number): Promise<void> => new Promise((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));

/**
 * The first half of writeFileAtomic, started early and finished later, all
 * on the thread pool: a new temporary file in the target's directory is
 * created as soon as the StagedFile exists (a commit validates and
 * serialises meanwhile), write() fills and fsyncs it (the commit diffs and
 * prepares its appliers meanwhile), install() is the commit point: after
 * the fsync, rename over the target, then fsync the directory. discard()
 * removes the temporary file in the background.
 */
export class StagedFile {
  readonly tmp: string;
  private opened: Promise<number>;
  private synced?: Promise<void>;
  private used = false;

  constructor(
    readonly file: string,
    mode = 0o600,
  ) {
    this.tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++stagedSeq}.tmp`);
    this.opened = openP(this.tmp, mode);
    this.opened.catch(() => undefined);
  }

  /** Write the content and start its fsync. */
  write(data: string | Buffer): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.synced = this.opened.then(async (fd) => {
      let off = 0;
      while (off < buf.length) off += await writeP(fd, buf, off);
      await fdatasyncP(fd);
    });
    this.synced.catch(() => undefined);
  }

  /** Rename over the target once the data is on disk, then fsync the directory. */
  async install(): Promise<void> {
    if (this.used || !this.synced) throw new Error('staged file installed twice or never written');
    this.used = true;
    try {
      await this.synced;
    } catch (e) {
      this.cleanup();
      throw e;
    }
    fs.closeSync(await this.opened);
    try {
      fs.renameSync(this.tmp, this.file);
    } catch (e) {
      fs.rmSync(this.tmp, { force: true });
      throw e;
    }
    await fsyncDirAsync(path.dirname(this.file));
  }

  /** Drop the temporary file (no-op once installed). */
  discard(): void {
    if (this.used) return;
    this.used = true;
    this.cleanup();
  }

  private cleanup(): void {
    const done = this.synced ?? this.opened;
    const rm = (): void => {
      this.opened.then(
        (fd) => fs.close(fd, () => fs.unlink(this.tmp, () => undefined)),
        () => undefined,
      );
    };
    done.then(rm, rm);
  }
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
