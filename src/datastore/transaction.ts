/**
 * Two-phase commit over registered appliers, as FRR's northbound layer:
 * validate every applier, prepare every applier (may fail: resources,
 * kernel refusal), then apply all; any failure aborts the prepared ones in
 * reverse order and the commit fails with the cause.
 */
import type { DataNode } from '../yang/data/node';
import { AgentError } from '../errors';

export interface Change {
  op: 'create' | 'delete' | 'modify' | 'move';
  /** JSON-form instance-identifier of the changed node */
  path: string;
  node?: DataNode;
  old?: string | null;
  new?: string | null;
  /**
   * the leaf only became explicitly set (create) or stopped being set
   * (delete): its value, the schema default, is the same before and after
   * (RFC 6243 basic mode explicit), so there is no value to act on
   */
  explicitOnly?: true;
}

export interface Origin {
  /**
   * 'netconf' | 'radius' | 'startup', or what rolled a confirmed commit back: 'timer' (its
   * confirm-timeout), 'session-closed' (the session that made it ended), 'cancel-commit'
   */
  kind: string;
  user?: string;
  sessionId?: number;
}

export interface ChangeSet {
  before: DataNode;
  after: DataNode;
  changes: Change[];
  origin: Origin;
}

export interface Prepared {
  apply(): void | Promise<void>;
  abort(): void | Promise<void>;
}

export interface Applier {
  readonly name: string;
  /** semantic checks beyond the YANG model; throw AgentError to refuse */
  validate?(cs: ChangeSet): void | Promise<void>;
  /** take what can fail; return null when there is nothing to do */
  prepare(cs: ChangeSet): Promise<Prepared | null> | Prepared | null;
}

/** An applier whose apply() failed after the commit point. */
export interface ApplyFailure {
  applier: string;
  message: string;
  /** the error-path of the applier's error, when it concerns a node (NACM hides what the user may not read) */
  path?: string;
  pathNs?: Record<string, string>;
}

/**
 * Returns the appliers whose apply() failed: past the commit point the
 * configuration is running whatever they do, so every applier still gets
 * its apply, and the caller reports the failures.
 */
export async function runTransaction(
  appliers: readonly Applier[],
  cs: ChangeSet,
  commitPoint: () => Promise<void> | void,
): Promise<ApplyFailure[]> {
  for (const a of appliers) {
    if (!a.validate) continue;
    const v = a.validate(cs);
    if (v) await v;
  }
  const prepared: { name: string; p: Prepared }[] = [];
  const abortAll = async (): Promise<void> => {
    for (const { p } of prepared.reverse()) {
      try {
        await p.abort();
      } catch {
        /* abort is best effort; the original cause is what the client needs */
      }
    }
  };
  for (const a of appliers) {
    try {
      // most appliers answer at once: no promise and microtask turn for those
      const r = a.prepare(cs);
      const p = r instanceof Promise ? await r : r;
      if (p) prepared.push({ name: a.name, p });
    } catch (e) {
      await abortAll();
      if (e instanceof AgentError) throw e;
      throw new AgentError('operation-failed', `${a.name}: ${(e as Error).message}`);
    }
  }
  try {
    await commitPoint();
  } catch (e) {
    await abortAll();
    throw new AgentError('operation-failed', `could not write the configuration: ${(e as Error).message}`);
  }
  const failures: ApplyFailure[] = [];
  for (const { name, p } of prepared) {
    try {
      const r = p.apply();
      if (r) await r;
    } catch (e) {
      const f: ApplyFailure = { applier: name, message: (e as Error).message };
      if (e instanceof AgentError && e.path) {
        f.path = e.path;
        f.pathNs = e.pathNs;
      }
      failures.push(f);
    }
  }
  return failures;
}
