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

export function isLiPath(p: string): boolean {
  return LI_PREFIXES.some((x) => p === x || p.startsWith(x + '/') || p.startsWith(x + '['));
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

  prepare(cs: ChangeSet): Prepared | null {
    if (cs.changes.length === 0) return null;
    const time = new Date().toISOString();
    return { apply: () => this.record(cs, time), abort: () => undefined };
  }

  /** Write the records of one committed change set. */
  record(cs: ChangeSet, time = new Date().toISOString()): void {
    const base = { time, user: cs.origin.user ?? null, session: cs.origin.sessionId ?? null, origin: cs.origin.kind };
    const li: AuditRecord['changes'] = [];
    const other: AuditRecord['changes'] = [];
    for (const c of cs.changes) (isLiPath(c.path) ? li : other).push({ op: c.op, path: c.path });
    if (other.length) this.append(this.file, { ...base, changes: other });
    if (li.length) this.append(this.liFile, { ...base, changes: li });
  }

  private append(file: string, rec: AuditRecord): void {
    try {
      fs.appendFileSync(file, JSON.stringify(rec) + '\n', { mode: 0o600 });
      const st = fs.statSync(file);
      if ((st.mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    } catch (e) {
      this.onError?.(file, e as Error);
    }
  }
}
