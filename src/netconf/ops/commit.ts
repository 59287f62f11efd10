/** <commit> with :confirmed-commit:1.1, <cancel-commit>, <discard-changes>, <validate> (RFC 6241 8.3, 8.4, 8.6). */
import { AgentError, ErrorList } from '../../errors';
import { validate as validateTree } from '../../yang/data';
import type { RpcCall } from '../core';
import { datastoreParam, inlineConfig, param } from './common';

export async function commit(call: RpcCall): Promise<string> {
  const { el, core, session } = call;
  const confirmed = param(el, 'confirmed') !== undefined;
  const timeoutEl = param(el, 'confirm-timeout');
  let timeoutSec: number | undefined;
  if (timeoutEl) {
    const t = timeoutEl.text.trim();
    if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 4294967295) {
      throw new AgentError('invalid-value', `confirm-timeout "${t}" is not a number of seconds (1..4294967295).`, {
        type: 'protocol',
        info: { 'bad-element': 'confirm-timeout' },
      });
    }
    timeoutSec = Number(t);
  }
  const persist = param(el, 'persist')?.text.trim();
  const persistId = param(el, 'persist-id')?.text.trim();
  return core.ds.queue.run(async () => {
    core.ds.checkWritable('running', session.id);
    await core.ds.commit({ kind: 'netconf', user: session.username, sessionId: session.id }, { confirmed, timeoutSec, persist, persistId });
    return '';
  });
}

export async function cancelCommit(call: RpcCall): Promise<string> {
  const persistId = param(call.el, 'persist-id')?.text.trim();
  return call.core.ds.queue.run(async () => {
    await call.core.ds.cancelCommit(call.session.id, persistId, call.session.username);
    return '';
  });
}

export function discardChanges(call: RpcCall): Promise<string> {
  return call.core.ds.queue.run(() => {
    call.core.ds.checkWritable('candidate', call.session.id);
    call.core.ds.discardChanges();
    return '';
  });
}

export function validate(call: RpcCall): string {
  const src = datastoreParam(call.el, 'source', true);
  let tree: import('../../yang/data/node').DataNode;
  if (typeof src === 'string') tree = cloneForValidate(call.core.ds.get(src));
  else {
    // wd:default as copy-config's inline <config> takes it
    tree = inlineConfig(call.core.ctx, src);
  }
  const errs = validateTree(call.core.ctx, tree, { type: 'config' });
  if (errs.length) throw new ErrorList(errs);
  return '';
}

import { clone } from '../../yang/data/tree';
function cloneForValidate(t: import('../../yang/data/node').DataNode): import('../../yang/data/node').DataNode {
  return clone(t); // validation adds defaults; never touch a datastore in place
}
