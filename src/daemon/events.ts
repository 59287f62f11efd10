/** RFC 6470 base notifications, built as RFC 7951 JSON for the notification hub. */
import type { ChangeSet } from '../datastore';
import type { NetconfSession } from '../netconf/transport';
import type { SchemaContext, SchemaNode } from '../yang/schema';
import type { DataNode } from '../yang/data/node';
import { readConfig } from '../nacm/config';
import { readUniformBelow } from '../nacm/uniform';

const NN = 'ietf-netconf-notifications';

function changedBy(s: NetconfSession | undefined): Record<string, unknown> {
  if (!s) return { server: [null] };
  return { username: s.username, 'session-id': s.id, 'source-host': s.sourceHost };
}

export function sessionStartEvent(s: NetconfSession): Record<string, unknown> {
  return { [`${NN}:netconf-session-start`]: { username: s.username, 'session-id': s.id, 'source-host': s.sourceHost } };
}

const REASONS = new Set(['closed', 'killed', 'dropped', 'timeout', 'bad-hello', 'other']);

export function sessionEndEvent(s: NetconfSession, reason: string, killedBy?: number): Record<string, unknown> {
  const body: Record<string, unknown> = {
    username: s.username,
    'session-id': s.id,
    'source-host': s.sourceHost,
    'termination-reason': REASONS.has(reason) ? reason : 'other',
  };
  if (reason === 'killed' && killedBy !== undefined) body['killed-by'] = killedBy;
  return { [`${NN}:netconf-session-end`]: body };
}

/** A commit that changes more nodes than this reports coarser edits (see coarseEdits). */
export const COARSE_EDITS_FROM = 1000;

interface Edit {
  target: string;
  operation: string;
}

/**
 * `path` without its last step: the RFC 7951 path of the parent ('' for a
 * top-level node). Slashes inside quoted key values are not steps.
 */
function parentPath(path: string): string {
  let last = 0;
  let q = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (q) {
      if (ch === q) q = '';
    } else if (ch === "'" || ch === '"') q = ch;
    else if (ch === '/') last = i;
  }
  return path.slice(0, last);
}

/**
 * RFC 6470 lets a server report fewer, coarser edits. A commit that
 * changes more than COARSE_EDITS_FROM nodes reports the changes of each
 * parent node with several changed children as one edit of that parent
 * (operation replace), when read access is the same for the parent and
 * everything below it for every user under the new NACM rules (so each
 * receiver gets the coarse edit exactly when it could read the changes it
 * stands for). The rest stay as they are, in order. A 100,000-entry load
 * is then one edit instead of 100,000 in the event and the replay log.
 */
function coarseEdits(cs: ChangeSet, uniform: (parent: SchemaNode) => boolean): Edit[] | null {
  const groups = new Map<string, { n: number; schema: SchemaNode | undefined }>();
  const parents: string[] = new Array(cs.changes.length);
  // changes of one parent come one after the other (a 100,000-entry load: all of them): its
  // path is made once, and the same string then finds its group by the hash kept in it
  let lastParent: DataNode | undefined;
  let lastPath = '';
  for (let i = 0; i < cs.changes.length; i++) {
    const c = cs.changes[i];
    const parent = c.node?.parent ?? undefined;
    let p: string;
    if (parent !== undefined && parent === lastParent) p = lastPath;
    else {
      p = parentPath(c.path);
      lastParent = parent;
      lastPath = p;
    }
    parents[i] = p;
    const g = groups.get(p);
    if (g) g.n++;
    else groups.set(p, { n: 1, schema: c.node?.parent?.schema });
  }
  const coarse = new Set<string>();
  for (const [p, g] of groups) {
    if (p === '' || g.n < 2 || !g.schema || g.schema.kind === 'root') continue;
    if (uniform(g.schema)) coarse.add(p);
  }
  if (!coarse.size) return null;
  const out: Edit[] = [];
  const done = new Set<string>();
  for (let i = 0; i < cs.changes.length; i++) {
    const p = parents[i];
    if (coarse.has(p)) {
      if (!done.has(p)) {
        done.add(p);
        out.push({ target: p, operation: 'replace' });
      }
      continue;
    }
    out.push(editOf(cs.changes[i]));
  }
  return out;
}

/** The edit of one change as it is (RFC 6470 operations: modify and move are replace). */
function editOf(c: ChangeSet['changes'][number]): Edit {
  return { target: c.path, operation: c.op === 'create' ? 'create' : c.op === 'delete' ? 'delete' : 'replace' };
}

export function configChangeEvent(cs: ChangeSet, s: NetconfSession | undefined, ctx?: SchemaContext): Record<string, unknown> {
  let edit: Edit[] | null = null;
  if (ctx && cs.changes.length > COARSE_EDITS_FROM) {
    const nacm = readConfig(ctx, cs.after);
    edit = coarseEdits(cs, (p) => readUniformBelow(nacm, p));
  }
  edit ??= cs.changes.map(editOf);
  return { [`${NN}:netconf-config-change`]: { 'changed-by': changedBy(s), datastore: 'running', edit } };
}

export function confirmedCommitEvent(
  event: 'start' | 'cancel' | 'timeout' | 'extend' | 'complete',
  info: { sessionId?: number; timeout?: number },
  s: NetconfSession | undefined,
): Record<string, unknown> {
  const body: Record<string, unknown> = { 'confirm-event': event };
  if (s) Object.assign(body, { username: s.username, 'session-id': s.id, 'source-host': s.sourceHost });
  if (info.timeout !== undefined && (event === 'start' || event === 'extend')) body.timeout = info.timeout;
  return { [`${NN}:netconf-confirmed-commit`]: body };
}
