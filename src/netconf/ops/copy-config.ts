/** <copy-config> and <delete-config> (RFC 6241 7.3, 7.4). */
import { AgentError } from '../../errors';
import { newTree, validate } from '../../yang/data';
import { checkReplace, editableView, precheckEdit } from '../../nacm/enforce';
import type { DataNode } from '../../yang/data/node';
import { ErrorList } from '../../errors';
import type { RpcCall } from '../core';
import { datastoreParam, inlineConfig, withDefaultsParam } from './common';

/**
 * RFC 6243 4.5.1 adds <with-defaults> to copy-config for a target that is
 * a file (:url, not supported here). A datastore target takes the source's
 * configuration as it is, explicit and default nodes alike, whatever the
 * parameter says (as yuma123's netconfd does; netopeer2 reads it for a
 * <url> target only); its value is still checked (an unsupported one is
 * invalid-value). wd:default in an inline <config>: see takeDefaultTags.
 */
export async function copyConfig(call: RpcCall): Promise<string> {
  const { el, core, session, access } = call;
  const target = datastoreParam(el, 'target');
  const source = datastoreParam(el, 'source', true);
  withDefaultsParam(el);
  if (typeof target !== 'string') throw new AgentError('bad-element', 'copy-config cannot target inline <config>.', { type: 'protocol', info: { 'bad-element': 'config' } });
  if (source === target) {
    throw new AgentError('invalid-value', 'Source and target are the same datastore.', { type: 'protocol', info: { 'bad-element': 'target' } });
  }
  return core.ds.queue.run(async () => {
    let tree: DataNode;
    if (typeof source === 'string') tree = editableView(access, core.ds.get(source));
    else {
      tree = inlineConfig(core.ctx, source);
      precheckEdit(access, tree);
    }
    core.ds.checkWritable(target, session.id);
    if (access.restricted) {
      // NACM: a restricted user replaces what they see of the target; what is hidden from them stays
      const before = core.ds.get(target);
      checkReplace(access, access.pruneRead(before), tree);
      tree = access.restoreHidden(before, tree);
    }
    if (target === 'running') {
      await core.ds.commitDirect(tree, { kind: 'netconf', user: session.username, sessionId: session.id });
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

export async function deleteConfig(call: RpcCall): Promise<string> {
  const { el, core, session } = call;
  const target = datastoreParam(el, 'target');
  // ietf-netconf: delete-config's target is startup or url (RFC 6241 7.4); running and candidate
  // are refused as the dispatcher's parameter check refuses them (ops/common.ts checkParams)
  if (target !== 'startup') {
    const name = typeof target === 'string' ? target : target.local;
    throw new AgentError('operation-not-supported', `<delete-config> cannot take <${name}/> as its <target>.`, { type: 'protocol', info: { 'bad-element': name } });
  }
  return core.ds.queue.run(() => {
    core.ds.checkWritable(target, session.id);
    if (call.access.restricted) {
      // NACM: delete what the user sees (each node needs delete access); what is hidden stays
      const before = core.ds.get('startup');
      const empty = newTree(core.ctx);
      checkReplace(call.access, call.access.pruneRead(before), empty);
      core.ds.set('startup', call.access.restoreHidden(before, empty));
    } else core.ds.set('startup', newTree(core.ctx));
    return '';
  });
}
