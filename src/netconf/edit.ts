/**
 * edit-config semantics (RFC 6241 7.2) applied to a data tree: merge,
 * replace, create, delete, remove and none, default-operation, choice case
 * replacement, the ordered-by-user insert attributes of RFC 7950 7.8.6 and
 * RFC 6243's wd:default. The edit tree comes from the YANG engine
 * (parseXml type 'edit'), whose nodes carry their XML attributes in `meta`.
 */
import { AgentError } from '../errors';
import type { SchemaNode } from '../yang/schema';
import { DataNode } from '../yang/data/node';
import {
  clone,
  findChild,
  findEntry,
  findLeafListEntry,
  insertChild,
  instances,
  keyValues,
  markExplicit,
  pathOf,
  removeChild,
} from '../yang/data/tree';
import { WD_NS } from '../yang/data/xml';
import { NC_NS } from './rpc-error';

export type EditOp = 'merge' | 'replace' | 'create' | 'delete' | 'remove' | 'none';
/** RFC 6243's wd:default as `meta` keys it; ops/common.ts checkEditAttributes leaves it only as "true" */
export const DEFAULT_ATTR = `{${WD_NS}}default`;
const YANG_NS = 'urn:ietf:params:xml:ns:yang:1';
const OPS = new Set(['merge', 'replace', 'create', 'delete', 'remove']);

export interface EditOptions {
  defaultOperation: EditOp;
  /** collect errors and go on (continue-on-error) instead of throwing at the first */
  continueOnError?: boolean;
  /** access check per touched node, throws access-denied */
  checkWrite?: (node: DataNode, op: 'create' | 'update' | 'delete') => void;
  /** state data is merged too (`flowtapd lint` merging --type data documents); an edit of a datastore never allows it */
  allowState?: boolean;
}

export interface EditResult {
  errors: AgentError[];
  /** per error (same index): the edit node it was met at (its place in the document) */
  errorAt: DataNode[];
  /** true when anything changed */
  changed: boolean;
}

/** Apply `edit` (a root node) to `target` (a root node, modified in place). */
export function applyEdit(target: DataNode, edit: DataNode, opts: EditOptions): EditResult {
  const st: EditState = { opts, errors: [], errorAt: [], changed: false };
  for (const child of edit.children) step(st, target, child, opts.defaultOperation);
  return { errors: st.errors, errorAt: st.errorAt, changed: st.changed };
}

interface EditState {
  opts: EditOptions;
  errors: AgentError[];
  errorAt: DataNode[];
  changed: boolean;
}

function opOf(n: DataNode, inherited: EditOp): EditOp {
  const v = n.meta?.get(`{${NC_NS}}operation`);
  if (v === undefined) return inherited;
  if (!OPS.has(v)) {
    throw new AgentError('bad-attribute', `Invalid operation "${v}".`, {
      type: 'protocol',
      info: { 'bad-attribute': 'operation', 'bad-element': n.schema.name },
    });
  }
  return v as EditOp;
}

function fail(st: EditState, e: AgentError, at: DataNode): void {
  if (!st.opts.continueOnError) throw e;
  st.errors.push(e);
  st.errorAt.push(at);
}

function existing(parent: DataNode, e: DataNode): DataNode | undefined {
  const s = e.schema;
  if (s.kind === 'list' && s.keys.length) {
    const kv = keyValues(e);
    if (kv.some((v) => v === null)) {
      const missing = s.keys[kv.findIndex((v) => v === null)];
      throw new AgentError('missing-element', `List entry of "${s.name}" without its key "${missing.name}".`, {
        type: 'protocol',
        info: { 'bad-element': missing.name },
        path: pathOf(e.parent ?? e).xml,
        pathNs: pathOf(e.parent ?? e).ns,
      });
    }
    return findEntry(parent, s, kv as string[]);
  }
  if (s.kind === 'leaf-list') return findLeafListEntry(parent, s, e.value ?? '');
  if (s.kind === 'list') return undefined; // keyless lists (state only) never match
  return findChild(parent, s);
}

/**
 * A leaf or leaf-list entry tagged wd:default="true" (value checked to be
 * its schema default): it holds its default, so it is not explicitly set
 * (RFC 6243, basic mode explicit). Merged, replaced or created, it leaves
 * no explicit node: one that exists is removed, as a delete would (the
 * default takes its place; nothing is created for the tag, so it makes no
 * parent level either), except that create of one that exists is
 * data-exists (create of a default only is no error, RFC 6243 2.3.3).
 * delete, remove and none treat it as any node. yuma123's netconfd does
 * the same.
 */
function taggedDefault(e: DataNode): boolean {
  return e.meta !== undefined && e.meta.get(DEFAULT_ATTR) === 'true';
}

function hasCreatingDescendant(e: DataNode, inherited: EditOp): boolean {
  for (const c of e.children) {
    const op = opOf(c, inherited);
    if ((op === 'merge' || op === 'replace' || op === 'create') && !taggedDefault(c)) return true;
    if (op === 'none' && hasCreatingDescendant(c, op)) return true;
  }
  return false;
}

function step(st: EditState, parent: DataNode, e: DataNode, inherited: EditOp): void {
  let op: EditOp;
  try {
    op = opOf(e, inherited);
  } catch (err) {
    return fail(st, err as AgentError, e);
  }
  const s = e.schema;
  if (!s.config && !st.opts.allowState) {
    return fail(
      st,
      new AgentError('invalid-value', `"${s.name}" is state data and cannot be configured.`, {
        path: pathOf(e).xml,
        pathNs: pathOf(e).ns,
      }),
      e,
    );
  }
  let cur: DataNode | undefined;
  try {
    cur = existing(parent, e);
  } catch (err) {
    return fail(st, err as AgentError, e);
  }
  const where = (): { path: string; pathNs: Record<string, string> } => {
    const p = pathOf(e);
    return { path: p.xml, pathNs: p.ns };
  };
  try {
    if ((op === 'merge' || op === 'replace' || op === 'create') && taggedDefault(e)) {
      if (!cur || cur.dflt) return;
      if (op === 'create') throw new AgentError('data-exists', `"${s.name}" already exists.`, where());
      st.opts.checkWrite?.(cur, 'delete');
      removeChild(cur);
      st.changed = true;
      return;
    }
    switch (op) {
      case 'create':
        if (cur && !cur.dflt) throw new AgentError('data-exists', `"${s.name}" already exists.`, where());
        create(st, parent, e, cur);
        return;
      case 'delete':
      case 'remove':
        if (!cur || cur.dflt) {
          if (op === 'delete') throw new AgentError('data-missing', `"${s.name}" does not exist.`, where());
          return;
        }
        st.opts.checkWrite?.(cur, 'delete');
        removeChild(cur);
        st.changed = true;
        return;
      case 'replace':
        if (cur) {
          st.opts.checkWrite?.(cur, 'delete');
          const at = cur.parent!.children.indexOf(cur);
          removeChild(cur);
          create(st, parent, e, undefined, at);
        } else create(st, parent, e, undefined);
        return;
      case 'merge':
        if (!cur || cur.dflt) {
          if (cur) removeChild(cur);
          create(st, parent, e, undefined);
          return;
        }
        mergeInto(st, cur, e, op);
        return;
      case 'none':
        if (!cur) {
          if (hasCreatingDescendant(e, op)) {
            // a merge, replace or create below needs this level: it is made for it
            cur = insertChild(parent, shell(e));
            st.changed = true;
            removeOtherCases(parent, cur);
          } else if (s.kind === 'container' && !s.presence) {
            // A non-presence container has no meaning of its own (RFC 7950 7.5.1): absent, it
            // is a level with nothing in it, and what is missing is what the edit selects
            // below it. A detached shell: nothing below creates, so nothing is added to it.
            cur = shell(e);
          } else {
            // RFC 6241 7.2, none: data with no corresponding level in the target is data-missing
            throw new AgentError('data-missing', `"${s.name}" does not exist.`, where());
          }
        }
        for (const c of e.children) if (!isKeyOf(c, cur)) step(st, cur, c, op);
        return;
    }
  } catch (err) {
    if (err instanceof AgentError) return fail(st, err, e);
    throw err;
  }
}

function isKeyOf(c: DataNode, entry: DataNode): boolean {
  return entry.schema.kind === 'list' && entry.schema.keys.includes(c.schema);
}

/** A copy of an edit node without children (list entries keep their keys). */
function shell(e: DataNode): DataNode {
  const n = new DataNode(e.schema, e.value);
  if (e.raw !== undefined) n.raw = e.raw;
  if (e.schema.kind === 'list') for (const k of e.children) if (e.schema.keys.includes(k.schema)) insertChild(n, new DataNode(k.schema, k.value));
  return n;
}

function mergeInto(st: EditState, cur: DataNode, e: DataNode, op: EditOp): void {
  const s = e.schema;
  if (s.kind === 'leaf' || s.kind === 'anydata' || s.kind === 'anyxml') {
    if (cur.value !== e.value || cur.raw !== e.raw) {
      st.opts.checkWrite?.(cur, 'update');
      cur.value = e.value;
      if (e.raw !== undefined) cur.raw = e.raw;
      cur.dflt = false;
      markExplicit(cur.parent);
      st.changed = true;
    }
    return;
  }
  if (s.kind === 'leaf-list' || s.kind === 'list') {
    if (s.orderedBy === 'user' && e.meta?.has(`{${YANG_NS}}insert`)) {
      position(cur.parent!, cur, e);
      st.changed = true;
    }
  }
  for (const c of e.children) if (!isKeyOf(c, cur)) step(st, cur, c, op);
}

/** Children beyond which adoptable() does not look for duplicates. */
const ADOPT_MAX_CHILDREN = 16;

/**
 * Would creating `e` node by node give a copy of `e` itself? True when
 * nothing in it asks for more: no XML attributes (operations, insert), no
 * anydata, no list or leaf-list below it (duplicates there are merged), no
 * node of a choice's case (creating one removes the other cases), no
 * single-instance child twice (the second is merged into the first), and
 * the keys of a list entry first, in key order (where shell() puts them).
 */
function adoptable(e: DataNode): boolean {
  if (e.meta) return false;
  const s = e.schema;
  const k = s.kind;
  if (k !== 'leaf' && k !== 'container' && k !== 'list') return false;
  const ch = e.children;
  if (ch.length > ADOPT_MAX_CHILDREN) return false;
  const keys = k === 'list' ? s.keys : undefined;
  if (keys && ch.length < keys.length) return false;
  for (let i = 0; i < ch.length; i++) {
    const c = ch[i];
    const cs = c.schema;
    if (keys && i < keys.length && cs !== keys[i]) return false;
    if ((cs.kind !== 'leaf' && cs.kind !== 'container') || cs.parent !== s) return false;
    for (let j = 0; j < i; j++) if (ch[j].schema === cs) return false;
    if (!adoptable(c)) return false;
  }
  return true;
}

/** Create `e` (with nested operations honoured) under parent. */
function create(st: EditState, parent: DataNode, e: DataNode, dflt: DataNode | undefined, at?: number): void {
  st.opts.checkWrite?.(e, 'create');
  if (dflt) removeChild(dflt);
  // The edit tree is not used once applied: a subtree that would be copied node for node
  // as it is moves into the target instead (no second copy of a big load). Its old parent
  // keeps a stale reference, which nothing reads any more.
  if (at === undefined && !st.opts.checkWrite && e.schema.orderedBy !== 'user' && e.schema.kind !== 'leaf-list' && adoptable(e)) {
    insertChild(parent, e);
    st.changed = true;
    removeOtherCases(parent, e);
    return;
  }
  const n = shell(e);
  // at the end, or where a replaced entry was; then where yang:insert says (RFC 7950 7.8.6:
  // create, merge and replace alike)
  insertChild(parent, n, at);
  if ((e.schema.kind === 'list' || e.schema.kind === 'leaf-list') && e.schema.orderedBy === 'user' && e.meta?.has(`{${YANG_NS}}insert`)) position(parent, n, e);
  st.changed = true;
  removeOtherCases(parent, n);
  for (const c of e.children) {
    if (isKeyOf(c, n)) continue;
    const op = opOf(c, 'merge');
    if (op === 'delete') {
      throw new AgentError('data-missing', `"${c.schema.name}" does not exist.`, { path: pathOf(c).xml, pathNs: pathOf(c).ns });
    }
    if (op === 'remove') continue;
    step(st, n, c, op === 'none' ? 'merge' : op);
  }
}

/** RFC 7950 7.8.6 / 7.7.9: yang:insert first|last|before|after with yang:key or yang:value. */
function position(parent: DataNode, node: DataNode, e: DataNode): void {
  const how = e.meta!.get(`{${YANG_NS}}insert`)!;
  const peers = instances(parent, node.schema);
  const first = peers[0];
  const last = peers[peers.length - 1];
  const idx = (n: DataNode): number => parent.children.indexOf(n);
  const move = (to: number): void => {
    removeChild(node);
    const target = Math.min(to, parent.children.length);
    insertChild(parent, node, target);
  };
  switch (how) {
    case 'first':
      if (first !== node) move(idx(first));
      return;
    case 'last':
      if (last !== node) move(idx(last) + (idx(last) > idx(node) ? 0 : 1));
      return;
    case 'before':
    case 'after': {
      const attr = node.schema.kind === 'list' ? 'key' : 'value';
      const ref = e.meta!.get(`{${YANG_NS}}${attr}`);
      if (ref === undefined) {
        throw new AgentError('missing-attribute', `insert="${how}" needs the "${attr}" attribute.`, {
          type: 'protocol',
          info: { 'bad-attribute': attr, 'bad-element': node.schema.name },
        });
      }
      const anchor = peers.find((p) => p !== node && matchesRef(p, ref));
      if (!anchor) {
        throw new AgentError('data-missing', `insert ${how}: no ${node.schema.name} entry ${ref}.`, {
          appTag: 'missing-instance',
          path: pathOf(node).xml,
          pathNs: pathOf(node).ns,
        });
      }
      removeChild(node);
      const ai = parent.children.indexOf(anchor);
      insertChild(parent, node, how === 'before' ? ai : ai + 1);
      return;
    }
    default:
      throw new AgentError('bad-attribute', `Invalid insert value "${how}".`, {
        type: 'protocol',
        info: { 'bad-attribute': 'insert', 'bad-element': node.schema.name },
      });
  }
}

/** Match a yang:key predicate string "[k1='v1'][k2='v2']" (prefixes ignored) or a leaf-list value. */
function matchesRef(n: DataNode, ref: string): boolean {
  if (n.schema.kind === 'leaf-list') return n.value === ref;
  const preds = [...ref.matchAll(/\[\s*(?:[^:\]=\s]+:)?([^=\]\s]+)\s*=\s*(?:'([^']*)'|"([^"]*)")\s*\]/g)];
  if (!preds.length) return false;
  const kv = keyValues(n);
  return preds.every((m) => {
    const i = n.schema.keys.findIndex((k) => k.name === m[1]);
    return i >= 0 && kv[i] === (m[2] ?? m[3]);
  });
}

/** RFC 7950 7.9: creating a node of one case deletes the nodes of the choice's other cases. */
function removeOtherCases(parent: DataNode, created: DataNode): void {
  const mine = casePath(created.schema, parent.schema);
  if (!mine.length) return;
  for (const sib of [...parent.children]) {
    if (sib === created) continue;
    const theirs = casePath(sib.schema, parent.schema);
    for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
      if (mine[i].choice !== theirs[i].choice) break;
      if (mine[i].kase !== theirs[i].kase) {
        removeChild(sib);
        break;
      }
    }
  }
}

interface CaseStep {
  choice: SchemaNode;
  kase: SchemaNode;
}

function casePath(s: SchemaNode, stop: SchemaNode): CaseStep[] {
  const out: CaseStep[] = [];
  let kase: SchemaNode | null = null;
  for (let p = s.parent; p && p !== stop && p.kind !== 'input' && p.kind !== 'output'; p = p.parent) {
    if (p.kind === 'case') kase = p;
    else if (p.kind === 'choice' && kase) {
      out.unshift({ choice: p, kase });
      kase = null;
    }
  }
  return out;
}

export { clone };
