/** RFC 6470 base notifications, built as RFC 7951 JSON for the notification hub. */
import type { ChangeSet } from '../datastore';
import type { NetconfSession } from '../netconf/transport';

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

export function configChangeEvent(cs: ChangeSet, s: NetconfSession | undefined): Record<string, unknown> {
  const edit = cs.changes.map((c) => ({
    target: c.path,
    operation: c.op === 'create' ? 'create' : c.op === 'delete' ? 'delete' : 'replace',
  }));
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
