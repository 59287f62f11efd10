/** <edit-config> (RFC 6241 7.2): candidate or running, all operations and options. */
import { AgentError, ErrorList } from '../../errors';
import { parseXml, validate } from '../../yang/data';
import { clone, removeChild } from '../../yang/data/tree';
import type { DataNode } from '../../yang/data/node';
import type { RpcCall } from '../core';
import { applyEdit, EditOp } from '../edit';
import { NC_NS } from '../rpc-error';
import { checkEditAttributes, contentOf, datastoreParam, param, requireParam } from './common';
import { checkReplace, precheckEdit } from '../../nacm/enforce';

const DEFAULT_OPS = new Set(['merge', 'replace', 'none']);

export async function editConfig(call: RpcCall): Promise<string> {
  const { el, core, session, access } = call;
  const target = datastoreParam(el, 'target');
  if (typeof target !== 'string' || target === 'startup') {
    throw new AgentError('operation-not-supported', 'edit-config can target <candidate/> or <running/>.', {
      type: 'protocol',
      info: { 'bad-element': 'target' },
    });
  }
  const dop = param(el, 'default-operation')?.text.trim() ?? 'merge';
  if (!DEFAULT_OPS.has(dop)) {
    throw new AgentError('invalid-value', `default-operation "${dop}" is not merge, replace or none.`, {
      type: 'protocol',
      info: { 'bad-element': 'default-operation' },
    });
  }
  const testOption = param(el, 'test-option')?.text.trim() ?? 'test-then-set';
  if (!['test-then-set', 'set', 'test-only'].includes(testOption)) {
    throw new AgentError('invalid-value', `test-option "${testOption}" is not test-then-set, set or test-only.`, {
      type: 'protocol',
      info: { 'bad-element': 'test-option' },
    });
  }
  const errorOption = param(el, 'error-option')?.text.trim() ?? 'stop-on-error';
  if (!['stop-on-error', 'continue-on-error', 'rollback-on-error'].includes(errorOption)) {
    throw new AgentError('invalid-value', `error-option "${errorOption}" is not stop-on-error, continue-on-error or rollback-on-error.`, {
      type: 'protocol',
      info: { 'bad-element': 'error-option' },
    });
  }
  if (param(el, 'url')) throw new AgentError('operation-not-supported', 'The :url capability is not supported.', { type: 'protocol', info: { 'bad-element': 'url' } });
  const config = requireParam(el, 'config');
  const edit = parseXml(core.ctx, contentOf(config), { type: 'edit' });
  checkEditAttributes(edit);

  return core.ds.queue.run(async () => {
    core.ds.checkWritable(target, session.id);
    if (target === 'running') core.ds.checkWritable('candidate', session.id);
    const base = core.ds.get(target);
    // NACM: a restricted user edits what they see, each resulting change is checked (create,
    // update, delete per node), and the hidden rest is put back (src/nacm/enforce.ts)
    precheckEdit(access, edit, dop);
    const view = access.restricted ? access.pruneRead(base) : base;
    // unrestricted: a copy of the target from the datastore (for a target that is running, its twin: no clone)
    let work: DataNode = view === base ? core.ds.copyOf(target) : clone(view);
    const checkWrite = undefined as ((node: DataNode, op: 'create' | 'update' | 'delete') => void) | undefined;
    let removed = false;
    if (dop === 'replace') {
      // RFC 6241 7.2: default-operation replace makes <config> the whole new content of the target
      const kept = new Set(edit.children.map((e) => e.schema));
      for (const top of [...work.children]) {
        if (kept.has(top.schema)) continue;
        checkWrite?.(top, 'delete');
        removeChild(top);
        removed = true;
      }
    }
    const res = applyEdit(work, edit, {
      defaultOperation: dop as EditOp,
      continueOnError: errorOption === 'continue-on-error',
      checkWrite,
    });
    if (access.restricted) {
      checkReplace(access, view, work);
      work = access.restoreHidden(base, work);
    }
    if (testOption === 'test-only' || (testOption === 'test-then-set' && target === 'running')) {
      const errs = validate(core.ctx, work, { type: 'config' });
      if (errs.length) throw new ErrorList([...res.errors, ...errs]);
    }
    if (testOption !== 'test-only' && (res.changed || removed)) {
      if (target === 'candidate') core.ds.set('candidate', work);
      else {
        if (core.ds.candidateDirty) {
          throw new AgentError('in-use', 'The candidate has uncommitted changes; commit or discard them before writing running directly.', { type: 'protocol' });
        }
        await core.ds.commitDirect(work, { kind: 'netconf', user: session.username, sessionId: session.id });
      }
    }
    if (res.errors.length) throw new ErrorList(res.errors);
    return '';
  });
}

export { NC_NS };
