/** <lock>, <unlock> (RFC 6241 7.5, 7.6), <close-session>, <kill-session> (7.8, 7.9). */
import { AgentError } from '../../errors';
import type { RpcCall } from '../core';
import { datastoreParam, requireParam } from './common';

export function lock(call: RpcCall): string {
  const target = datastoreParam(call.el, 'target');
  if (typeof target !== 'string') throw new AgentError('bad-element', 'lock needs a datastore.', { type: 'protocol' });
  call.core.ds.lock(target, call.session.id);
  return '';
}

export function unlock(call: RpcCall): string {
  const target = datastoreParam(call.el, 'target');
  if (typeof target !== 'string') throw new AgentError('bad-element', 'unlock needs a datastore.', { type: 'protocol' });
  call.core.ds.unlock(target, call.session.id);
  return '';
}

export function closeSession(call: RpcCall): string {
  call.session.close('closed');
  return '';
}

export function killSession(call: RpcCall): string {
  const p = requireParam(call.el, 'session-id');
  const id = Number(p.text.trim());
  if (!/^\d+$/.test(p.text.trim()) || id < 1) {
    throw new AgentError('invalid-value', `"${p.text.trim()}" is not a session-id.`, { type: 'protocol', info: { 'bad-element': 'session-id' } });
  }
  if (id === call.session.id) {
    throw new AgentError('invalid-value', 'A session cannot kill itself; use close-session.', { type: 'protocol', info: { 'bad-element': 'session-id' } });
  }
  if (!call.core.killSession(id, call.session.id)) {
    throw new AgentError('invalid-value', `No session ${id}.`, { type: 'protocol', info: { 'bad-element': 'session-id' } });
  }
  return '';
}
