/** <edit-config> (RFC 6241 7.2): candidate or running, all operations and options. */
import { AgentError, ErrorList } from '../../errors';
import { parseXml, validate, type DataErrorAt } from '../../yang/data';
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
  // continue-on-error (RFC 6241 7.2: "error is recorded"): an element with a bad value is left
  // out and its error recorded, the rest is applied; otherwise the first one stops the edit
  const parsed: DataErrorAt[] = [];
  const edit = parseXml(core.ctx, contentOf(config), { type: 'edit', collectErrors: errorOption === 'continue-on-error' ? parsed : undefined });
  /** an error that ends the edit, after the recorded ones */
  const stop = (e: unknown): never => {
    if (!parsed.length) throw e;
    const more = e instanceof ErrorList ? e.errors : e instanceof AgentError ? [e] : null;
    if (!more) throw e;
    throw new ErrorList([...parsed.map((p) => p.error), ...more]);
  };
  // continue-on-error: the edit's nodes in document order, taken before nodes with bad attributes are
  // left out (errors recorded after a node of theirs keep their place)
  const order = errorOption === 'continue-on-error' ? documentOrder(edit) : null;
  try {
    // a node with a bad attribute is left out like one with a bad value
    const bad: DataErrorAt[] = [];
    checkEditAttributes(edit, order ? bad : undefined);
    if (bad.length) inOrder(parsed, bad, order!);
  } catch (e) {
    stop(e);
  }
  // a replace puts its content in place of what is there: content left out for a bad value would
  // delete the configured node (under default-operation replace, a whole top-level subtree), so an
  // edit that replaces anything is not applied when a value of it was bad
  if (parsed.length && (dop === 'replace' || replaces(edit))) throw new ErrorList(parsed.map((p) => p.error));

  return core.ds.queue.run(async () => {
    core.ds.checkWritable(target, session.id);
    if (target === 'running') core.ds.checkWritable('candidate', session.id);
    const base = core.ds.get(target);
    // NACM: a restricted user edits what they see, each resulting change is checked (create,
    // update, delete per node), and the hidden rest is put back (src/nacm/enforce.ts)
    try {
      precheckEdit(access, edit, dop);
    } catch (e) {
      stop(e);
    }
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
    const errors = inDocumentOrder(parsed, res.errors, res.errorAt, order);
    if (access.restricted) {
      try {
        checkReplace(access, view, work);
      } catch (e) {
        if (errors.length && e instanceof AgentError) throw new ErrorList([...errors, e]);
        throw e;
      }
      work = access.restoreHidden(base, work);
    }
    if (testOption === 'test-only' || (testOption === 'test-then-set' && target === 'running')) {
      const errs = validate(core.ctx, work, { type: 'config' });
      if (errs.length) throw new ErrorList([...errors, ...errs]);
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
    if (errors.length) throw new ErrorList(errors);
    return '';
  });
}

/** Does an edit replace anything (operation="replace" on one of its nodes)? */
function replaces(n: DataNode): boolean {
  if (n.meta?.get(`{${NC_NS}}operation`) === 'replace') return true;
  return n.children.some(replaces);
}

/**
 * The errors of a continue-on-error edit by document position: those the
 * parser recorded (each after the node read last before its element) and
 * those of applying it (each at its edit node); each list is in document
 * order already. `order`: the edit's nodes in document order, taken before
 * the edit was applied (applying moves nodes into the target).
 */
function inDocumentOrder(parsed: DataErrorAt[], applied: AgentError[], at: DataNode[], order: Map<DataNode, number> | null): AgentError[] {
  if (!parsed.length) return applied;
  if (!order || !applied.length) return parsed.map((p) => p.error);
  const out: AgentError[] = [];
  let i = 0;
  for (let j = 0; j < applied.length; j++) {
    const where = placeOf(at[j], order);
    while (i < parsed.length && placeOf(parsed[i].after, order) < where) out.push(parsed[i++].error);
    out.push(applied[j]);
  }
  while (i < parsed.length) out.push(parsed[i++].error);
  return out;
}

/**
 * The attribute errors `bad` put among the parser's `parsed` (both as
 * DataErrorAt, each placed after a node of the edit), all in document
 * order (`order`: the edit's, taken before nodes were left out of it).
 */
function inOrder(parsed: DataErrorAt[], bad: DataErrorAt[], order: Map<DataNode, number>): void {
  const all = [...parsed, ...bad].map((p, i) => ({ p, i, at: placeOf(p.after, order) }));
  all.sort((a, b) => a.at - b.at || a.i - b.i); // stable: the parser's first at one place
  parsed.splice(0, parsed.length, ...all.map((x) => x.p));
}

/** `n`'s place in `order`; a node not in it (a list entry the parser left out, its key bad): its nearest ancestor's */
function placeOf(n: DataNode, order: Map<DataNode, number>): number {
  for (let p: DataNode | null = n; p; p = p.parent) {
    const i = order.get(p);
    if (i !== undefined) return i;
  }
  return -1;
}

/** the nodes of a tree in document order (pre-order), the root first */
function documentOrder(root: DataNode): Map<DataNode, number> {
  const order = new Map<DataNode, number>();
  const walk = (n: DataNode): void => {
    order.set(n, order.size);
    for (const c of n.children) walk(c);
  };
  walk(root);
  return order;
}
