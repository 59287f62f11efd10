/**
 * The audit log of committed configuration changes: one JSON object per
 * line (time, user, session, origin, changed paths with their operation).
 * Changes under the lawful-intercept subtrees (/flowtapd-services:services)
 * go to a separate file, li-audit.log, mode 0600, and never to audit.log:
 * the ordinary log does not even show that an intercept change happened.
 * Only paths are written, never values (no secret, no mediation address).
 *
 * It is a commit Applier: its apply step runs after the commit point (the
 * fsync of running), so only changes that took effect are recorded.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Applier, ChangeSet, Prepared } from '../datastore';

/** RFC 7951 path prefixes of the LI subtrees */
export const LI_PREFIXES = ['/flowtapd-services:services'];

/** what a path below one of them (or a list entry of one) starts with, made once */
const LI_STARTS = LI_PREFIXES.flatMap((x) => [`${x}/`, `${x}[`]);

export function isLiPath(p: string): boolean {
  for (const x of LI_PREFIXES) if (p === x) return true;
  for (const x of LI_STARTS) if (p.startsWith(x)) return true;
  return false;
}

export interface AuditRecord {
  time: string;
  user: string | null;
  session: number | null;
  origin: string;
  changes: { op: string; path: string }[];
}

export class AuditLog implements Applier {
  readonly name = 'audit';
  readonly file: string;
  readonly liFile: string;
  /** called when a line cannot be written (the commit has happened: the error is reported, not thrown) */
  onError?: (file: string, err: Error) => void;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'audit.log');
    this.liFile = path.join(dataDir, 'li-audit.log');
  }

  /**
   * The lines are made and their files opened here (while the commit's
   * file is being written); apply only appends and closes.
   */
  prepare(cs: ChangeSet): Prepared | null {
    if (cs.changes.length === 0) return null;
    const lines = this.lines(cs, new Date().toISOString());
    // Files are not created here (a refused commit leaves none behind): a missing one is
    // created in apply. An open that fails is reported then, as a failed write.
    const open = lines.map(([file, line]) => {
      try {
        return { file, line, fd: this.open(file, false) };
      } catch (e) {
        return { file, line, fd: null, error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (e as Error) };
      }
    });
    const close = (): void => {
      for (const o of open) if (o.fd !== null) fs.closeSync(o.fd);
    };
    return {
      apply: () => {
        for (const o of open) {
          if (o.fd !== null) this.write(o.file, o.fd, o.line);
          else if (o.error) this.onError?.(o.file, o.error);
          else this.appendLine(o.file, o.line);
        }
        close();
      },
      abort: close,
    };
  }

  private liPending: string[] = [];

  /**
   * One LI event in li-audit.log (mirror started, stopped, moved or failed,
   * pool member changes, LI configuration the kernel could not apply):
   * never in audit.log nor in the general log. Lines are written at the
   * next turn of the event loop, a burst (a failed member's 65,536 moves)
   * in one append. No mediation address, port or handle is passed here.
   */
  liEvent(event: string, fields: Record<string, unknown>): void {
    this.liPending.push(JSON.stringify({ time: new Date().toISOString(), ...fields, event }) + '\n');
    if (this.liPending.length === 1) setImmediate(() => this.flushLi());
  }

  /** writes the LI events not written yet (tests, shutdown) */
  flushLi(): void {
    if (!this.liPending.length) return;
    const text = this.liPending.join('');
    this.liPending = [];
    this.appendLine(this.liFile, text);
  }

  private appendLine(file: string, line: string): void {
    let fd: number;
    try {
      fd = this.open(file, true);
    } catch (e) {
      this.onError?.(file, e as Error);
      return;
    }
    this.write(file, fd, line);
    fs.closeSync(fd);
  }

  private lines(cs: ChangeSet, time: string): [string, string][] {
    const base = { time, user: cs.origin.user ?? null, session: cs.origin.sessionId ?? null, origin: cs.origin.kind };
    const li: AuditRecord['changes'] = [];
    const other: AuditRecord['changes'] = [];
    for (const c of cs.changes) (isLiPath(c.path) ? li : other).push({ op: c.op, path: c.path });
    const out: [string, string][] = [];
    if (other.length) out.push([this.file, JSON.stringify({ ...base, changes: other } satisfies AuditRecord) + '\n']);
    if (li.length) out.push([this.liFile, JSON.stringify({ ...base, changes: li } satisfies AuditRecord) + '\n']);
    return out;
  }

  /**
   * Open for appending (created 0600); a group- or world-accessible file is
   * made 0600 again (set every time: one system call, where a check of the
   * mode took an fstat and its Stats object).
   */
  private open(file: string, create: boolean): number {
    const fd = create ? fs.openSync(file, 'a', 0o600) : fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND);
    try {
      fs.fchmodSync(fd, 0o600);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    return fd;
  }

  /**
   * Append whole lines or nothing: on a full file system a write stops
   * part-way (a short write, then ENOSPC), and what it wrote is cut off
   * again, so that the next record does not run on from a fragment and
   * every line of the log stays a record.
   */
  private write(file: string, fd: number, line: string): void {
    const buf = Buffer.from(line, 'utf8');
    let done = 0;
    try {
      while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done);
    } catch (e) {
      if (done > 0) {
        try {
          fs.ftruncateSync(fd, fs.fstatSync(fd).size - done);
        } catch {
          /* the write's error is what is reported */
        }
      }
      this.onError?.(file, e as Error);
    }
  }
}
