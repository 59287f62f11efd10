/**
 * One agent per data directory: two agents on one directory would each
 * write running.xml, the rollback history and the mirror journals, and
 * each program the same kernel objects. The agent holds an exclusive
 * flock(2) on DIR/.lock while it runs (released by the kernel however the
 * process ends, so a crash leaves no stale lock); the file holds the
 * holder's process id, for the message a second agent gives.
 */
import * as fs from 'fs';
import * as path from 'path';
import { native } from '../dataplane/native';

export interface DataDirLock {
  release(): void;
}

/**
 * Take the lock, or throw a one-line error naming the directory and the
 * agent that holds it. Without the native addon (not built) there is no
 * lock: undefined, and the caller says so.
 */
export function lockDataDir(dir: string): DataDirLock | undefined {
  const file = path.join(dir, '.lock');
  let flock: (fd: number) => boolean;
  try {
    const n = native();
    flock = (fd) => n.flockExclusive(fd);
  } catch {
    return undefined;
  }
  // held through a descriptor opened for reading only: one open for writing would keep the
  // file system from being remounted read-only (an operator's remedy for a failing disk)
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_CREAT, 0o600);
  let taken: boolean;
  try {
    taken = flock(fd);
  } catch (e) {
    fs.closeSync(fd);
    throw new Error(`data directory ${dir}: cannot lock ${file} (${(e as Error).message})`);
  }
  if (!taken) {
    let holder = '';
    try {
      holder = fs.readFileSync(file, 'utf8').trim();
    } catch {
      /* the message goes without it */
    }
    fs.closeSync(fd);
    throw new Error(`data directory ${dir}: in use by another flowtapd${/^\d+$/.test(holder) ? ` (pid ${holder})` : ''}: ${file} is locked`);
  }
  try {
    // best effort: on a full file system the lock holds without the process id
    fs.writeFileSync(file, `${process.pid}\n`);
  } catch {
    /* see above */
  }
  let open = true;
  return {
    release() {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    },
  };
}
