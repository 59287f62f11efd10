/** <copy-config> and <delete-config> (RFC 6241 7.3, 7.4). */
import { AgentError } from '../../errors';
import { newTree, parseXml, validate } from '../../yang/data';
import { clone, pathOf, walk } from '../../yang/data/tree';
import type { DataNode } from '../../yang/data/node';
import { ErrorList } from '../../errors';
import type { RpcCall } from '../core';
import { contentOf, datastoreParam } from './common';

export async function copyConfig(call: RpcCall): Promise<string> {
  const { el, core, session, access } = call;
  const target = datastoreParam(el, 'target');
  const source = datastoreParam(el, 'source', true);
  if (typeof target !== 'string') throw new AgentError('bad-element', 'copy-config cannot target inline <config>.', { type: 'protocol', info: { 'bad-element': 'config' } });
  if (source === target) {
    throw new AgentError('invalid-value', 'Source and target are the same datastore.', { type: 'protocol', info: { 'bad-element': 'target' } });
  }
  return core.ds.queue.run(async () => {
    let tree: DataNode;
    if (typeof source === 'string') tree = clone(access.pruneRead(core.ds.get(source)));
    else tree = parseXml(core.ctx, contentOf(source), { type: 'config' });
    core.ds.checkWritable(target, session.id);
    if (access.restricted) checkReplaceAllowed(call, core.ds.get(target), tree);
    if (target === 'running') {
      await core.ds.commitTree(tree, { kind: 'netconf', user: session.username, sessionId: session.id });
      core.ds.discardChanges();
    } else {
      if (target === 'startup') {
        const errs = validate(core.ctx, tree, { type: 'config' });
        if (errs.length) throw new ErrorList(errs);
      }
      core.ds.set(target, tree);
    }
    return '';
  });
}

/** A restricted user replacing a datastore must be allowed to delete what goes and create what comes. */
function checkReplaceAllowed(call: RpcCall, before: DataNode, after: DataNode): void {
  const { access } = call;
  const deny = (n: DataNode): never => {
    const p = access.canRead(n) ? pathOf(n) : undefined;
    throw new AgentError('access-denied', 'Access to the data node is denied.', p ? { path: p.xml, pathNs: p.ns } : {});
  };
  walk(before, (n) => {
    if (n.schema.kind === 'root') return;
    if (!access.canWrite(n, 'delete')) deny(n);
  });
  walk(after, (n) => {
    if (n.schema.kind === 'root') return;
    if (!access.canWrite(n, 'create')) deny(n);
  });
}

export async function deleteConfig(call: RpcCall): Promise<string> {
  const { el, core, session } = call;
  const target = datastoreParam(el, 'target');
  if (target === 'running') {
    throw new AgentError('operation-not-supported', 'The running datastore cannot be deleted.', { type: 'protocol', info: { 'bad-element': 'running' } });
  }
  if (typeof target !== 'string') throw new AgentError('bad-element', 'delete-config needs a datastore.', { type: 'protocol' });
  return core.ds.queue.run(() => {
    core.ds.checkWritable(target, session.id);
    if (target === 'candidate') core.ds.discardChanges();
    else core.ds.set('startup', newTree(core.ctx));
    return '';
  });
}
