/**
 * Difference of two trees of the same schema, for commits: which nodes were
 * created, deleted, modified (leaf values) or moved (ordered-by user).
 */
import type { SchemaNode } from '../schema';
import { DataNode } from './node';
import { indexKey, pathOf } from './tree';

export interface Change {
  op: 'create' | 'delete' | 'modify' | 'move';
  /** RFC 7951 path of the node (in `new` for create/modify/move, in `old` for delete) */
  path: string;
  schema: SchemaNode;
  /** the node: in the new tree for create/modify/move, in the old tree for delete */
  node: DataNode;
  /** leaf/leaf-list values: old (modify, delete) and new (modify, create) */
  old?: string | null;
  new?: string | null;
  /** the node in the old tree (delete, modify, move) */
  oldNode?: DataNode;
  /** the node in the new tree (create, modify, move) */
  newNode?: DataNode;
  /** move: the entry the moved one now follows (null: first) */
  after?: DataNode | null;
}

export interface DiffOptions {
  /**
   * list every node of a created or deleted subtree (parents before
   * children for creates, children before parents for deletes) instead of
   * only its top node
   */
  expand?: boolean;
  /** ignore default nodes (dflt) in both trees (default false: a default that appears is a create) */
  ignoreDefaults?: boolean;
}

/**
 * Ordered change list: every delete first (deepest first, so a parent goes
 * after its children when expanded), then creates, modifies and moves in
 * document order of the new tree (parents before children).
 */
export function diff(oldRoot: DataNode, newRoot: DataNode, opts: DiffOptions = {}): Change[] {
  const deletes: Change[] = [];
  const others: Change[] = [];
  walkPair(oldRoot, newRoot, deletes, others, opts);
  deletes.reverse();
  return deletes.concat(others);
}

function keep(n: DataNode, opts: DiffOptions): boolean {
  return !(opts.ignoreDefaults && n.dflt);
}

function childMap(n: DataNode, opts: DiffOptions): Map<string, DataNode> {
  const m = new Map<string, DataNode>();
  for (const c of n.children) if (keep(c, opts)) {
    const k = indexKey(c);
    if (!m.has(k)) m.set(k, c);
  }
  return m;
}

function emitSubtree(n: DataNode, op: 'create' | 'delete', into: Change[], opts: DiffOptions): void {
  const isLeaf = n.schema.kind === 'leaf' || n.schema.kind === 'leaf-list';
  const c: Change = { op, path: pathOf(n).json, schema: n.schema, node: n };
  if (op === 'create') {
    c.newNode = n;
    if (isLeaf) c.new = n.value;
  } else {
    c.oldNode = n;
    if (isLeaf) c.old = n.value;
  }
  into.push(c);
  if (opts.expand) for (const k of n.children) if (keep(k, opts)) emitSubtree(k, op, into, opts);
}

function walkPair(o: DataNode, n: DataNode, deletes: Change[], others: Change[], opts: DiffOptions): void {
  const om = childMap(o, opts);
  const nm = childMap(n, opts);
  for (const [k, oc] of om) if (!nm.has(k)) emitSubtree(oc, 'delete', deletes, opts);
  const userOrdered = new Set<SchemaNode>();
  for (const nc of n.children) {
    if (!keep(nc, opts)) continue;
    const k = indexKey(nc);
    const oc = om.get(k);
    if (!oc) {
      emitSubtree(nc, 'create', others, opts);
      continue;
    }
    if (nm.get(k) !== nc) continue; // duplicate in new tree
    const s = nc.schema;
    if (s.kind === 'leaf') {
      if (oc.value !== nc.value) {
        others.push({ op: 'modify', path: pathOf(nc).json, schema: s, node: nc, oldNode: oc, newNode: nc, old: oc.value, new: nc.value });
      }
    } else if (s.kind === 'anydata' || s.kind === 'anyxml') {
      if (oc.raw !== nc.raw || oc.rawJson !== nc.rawJson) {
        others.push({ op: 'modify', path: pathOf(nc).json, schema: s, node: nc, oldNode: oc, newNode: nc });
      }
    } else if (s.kind !== 'leaf-list') {
      walkPair(oc, nc, deletes, others, opts);
    }
    if ((s.kind === 'list' || s.kind === 'leaf-list') && s.orderedBy === 'user') userOrdered.add(s);
  }
  for (const s of userOrdered) moves(o, n, s, om, others, opts);
}

function moves(o: DataNode, n: DataNode, s: SchemaNode, om: Map<string, DataNode>, out: Change[], opts: DiffOptions): void {
  const nkeys: string[] = [];
  const nnodes: DataNode[] = [];
  for (const c of n.children) if (c.schema === s && keep(c, opts) && om.has(indexKey(c))) {
    nkeys.push(indexKey(c));
    nnodes.push(c);
  }
  const nset = new Set(nkeys);
  const okeys: string[] = [];
  for (const c of o.children) if (c.schema === s && keep(c, opts) && nset.has(indexKey(c))) okeys.push(indexKey(c));
  // entries not on the longest common (increasing) subsequence moved
  const pos = new Map(okeys.map((k, i) => [k, i]));
  const seq = nkeys.map((k) => pos.get(k)!);
  const stay = lisMembers(seq);
  // creates of new entries in a user-ordered list also need a place: report it through `after` on moves only
  for (let i = 0; i < nnodes.length; i++) {
    if (stay.has(i)) continue;
    const nc = nnodes[i];
    const prev = prevSibling(nc, s);
    out.push({ op: 'move', path: pathOf(nc).json, schema: s, node: nc, oldNode: om.get(nkeys[i]), newNode: nc, after: prev });
  }
}

function prevSibling(n: DataNode, s: SchemaNode): DataNode | null {
  const p = n.parent;
  if (!p) return null;
  let prev: DataNode | null = null;
  for (const c of p.children) {
    if (c === n) return prev;
    if (c.schema === s) prev = c;
  }
  return prev;
}

/** Indices of one longest increasing subsequence. */
function lisMembers(seq: number[]): Set<number> {
  const tails: number[] = [];
  const prev = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const out = new Set<number>();
  let k = tails.length ? tails[tails.length - 1] : -1;
  while (k >= 0) {
    out.add(k);
    k = prev[k];
  }
  return out;
}
