/**
 * Difference of two trees of the same schema, for commits: which nodes were
 * created, deleted, modified (leaf values) or moved (ordered-by user).
 * A default node and an explicit one of the same value differ: the leaf
 * was set explicitly (create) or its setting removed (delete), marked
 * explicitOnly.
 */
import type { SchemaNode } from '../schema';
import { DataNode } from './node';
import { jsonPathOf, keyValues, sameIndexKey } from './tree';

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
  /**
   * A leaf or leaf-list entry whose value is the same in both trees (the
   * schema default) and that only became explicitly set (create: a default
   * node in the old tree, an explicit one in the new) or stopped being set
   * (delete: explicit in the old tree, a default node in the new). With
   * with-defaults basic mode explicit (RFC 6243 2.3) that is a change of
   * the configuration, but not of any value: whoever acts on values only
   * has nothing to do. Both oldNode and newNode are set.
   */
  explicitOnly?: true;
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
  /**
   * the caller vouches that no node of either tree has two children with
   * the same key (true of every tree the parsers and the edit operations
   * build: they refuse duplicates). Children that line up at the start and
   * the end of a large node are then paired by position, and key maps are
   * built only for the stretch between: a one-entry change in a list of
   * 100,000 costs a walk, not two maps of 100,000 keys.
   */
  unique?: boolean;
}

/**
 * Ordered change list: every delete first (deepest first, so a parent goes
 * after its children when expanded), then creates, modifies and moves in
 * document order of the new tree (parents before children).
 */
/** JSON paths of the parents of changed nodes, during one diff() */
let paths: Map<DataNode, string> | undefined;

export function diff(oldRoot: DataNode, newRoot: DataNode, opts: DiffOptions = {}): Change[] {
  const deletes: Change[] = [];
  const others: Change[] = [];
  paths = new Map();
  try {
    walkPair(oldRoot, newRoot, deletes, others, opts);
  } finally {
    paths = undefined;
  }
  deletes.reverse();
  return deletes.concat(others);
}

function keep(n: DataNode, opts: DiffOptions): boolean {
  return !(opts.ignoreDefaults && n.dflt);
}

/**
 * Children by key, without building indexKey strings: per schema node, the
 * key within it (single instances: '', leaf-list entries: the value, list
 * entries: the key values joined as listKey joins them, keyless list
 * entries: the node itself, equal to no other). Two children have the same
 * entry here exactly when their indexKey is the same. First instance wins.
 */
type KeyMap = Map<SchemaNode, Map<unknown, DataNode>>;

const SEP = '\u0001';

function innerKey(c: DataNode): unknown {
  const s = c.schema;
  if (s.kind === 'leaf-list') return c.value ?? '';
  if (s.kind !== 'list') return '';
  const keys = s.keys;
  if (!keys.length) return c;
  if (keys.length === 1) {
    const k = keys[0];
    const ch = c.children;
    for (let i = 0; i < ch.length; i++) if (ch[i].schema === k) return ch[i].value ?? '';
    return '';
  }
  return keyValues(c).join(SEP);
}

function keyMap(n: DataNode, opts: DiffOptions): KeyMap {
  return keyMapOf(n.children, 0, n.children.length, opts);
}

/** keyMap of the children ch[from..to) */
function keyMapOf(ch: DataNode[], from: number, to: number, opts: DiffOptions): KeyMap {
  const m: KeyMap = new Map();
  for (let i = from; i < to; i++) {
    const c = ch[i];
    if (!keep(c, opts)) continue;
    let inner = m.get(c.schema);
    if (!inner) m.set(c.schema, (inner = new Map()));
    const k = innerKey(c);
    if (!inner.has(k)) inner.set(k, c);
  }
  return m;
}

function keyed(m: KeyMap, c: DataNode, k: unknown): DataNode | undefined {
  return m.get(c.schema)?.get(k);
}

function emitSubtree(n: DataNode, op: 'create' | 'delete', into: Change[], opts: DiffOptions): void {
  const isLeaf = n.schema.kind === 'leaf' || n.schema.kind === 'leaf-list';
  const c: Change = { op, path: jsonPathOf(n, paths), schema: n.schema, node: n };
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

/** Children count up to which a pair of nodes is matched by linear search instead of key maps. */
const SMALL = 8;


function walkPair(o: DataNode, n: DataNode, deletes: Change[], others: Change[], opts: DiffOptions): void {
  if (o.children.length <= SMALL && n.children.length <= SMALL) {
    walkSmall(o, n, deletes, others, opts);
    return;
  }
  if (opts.unique) {
    walkAligned(o, n, deletes, others, opts);
    return;
  }
  const om = keyMap(o, opts);
  const nm = keyMap(n, opts);
  const oc = o.children;
  for (let i = 0; i < oc.length; i++) {
    const c = oc[i];
    if (!keep(c, opts)) continue;
    const k = innerKey(c);
    if (keyed(om, c, k) === c && !keyed(nm, c, k)) emitSubtree(c, 'delete', deletes, opts);
  }
  let userOrdered: Set<SchemaNode> | undefined;
  const nc = n.children;
  for (let i = 0; i < nc.length; i++) {
    const c = nc[i];
    if (!keep(c, opts)) continue;
    const k = innerKey(c);
    const old = keyed(om, c, k);
    if (!old) {
      emitSubtree(c, 'create', others, opts);
      continue;
    }
    if (keyed(nm, c, k) !== c) continue; // duplicate in new tree
    const s = pairChanges(old, c, deletes, others, opts);
    if (s) (userOrdered ??= new Set()).add(s);
  }
  if (userOrdered) reportMoves(o, n, userOrdered, others, opts, om);
}

/**
 * walkPair when no two siblings share a key (opts.unique): the same result
 * in the same order. The children that count (all, or those that are not
 * defaults with ignoreDefaults) and have the same keys position by
 * position from the start (a prefix) and from the end (a suffix) are
 * paired directly. Between them, an old child's key can be in neither the
 * new prefix nor the new suffix (those keys are the old prefix's and
 * suffix's, and old keys are unique), so the middles are matched by key
 * maps of the middles alone.
 */
function walkAligned(o: DataNode, n: DataNode, deletes: Change[], others: Change[], opts: DiffOptions): void {
  const oc = opts.ignoreDefaults ? withoutDefaults(o.children) : o.children;
  const nc = opts.ignoreDefaults ? withoutDefaults(n.children) : n.children;
  const min = Math.min(oc.length, nc.length);
  let pre = 0;
  while (pre < min && sameIndexKey(oc[pre], nc[pre])) pre++;
  let suf = 0;
  while (suf < min - pre && sameIndexKey(oc[oc.length - 1 - suf], nc[nc.length - 1 - suf])) suf++;
  const oEnd = oc.length - suf;
  const nEnd = nc.length - suf;
  const om = pre < oEnd && pre < nEnd ? keyMapOf(oc, pre, oEnd, opts) : undefined;
  if (pre < oEnd) {
    // deletes first, in the old order, as walkPair
    const nm = pre < nEnd ? keyMapOf(nc, pre, nEnd, opts) : undefined;
    for (let i = pre; i < oEnd; i++) {
      const c = oc[i];
      if (!nm || !keyed(nm, c, innerKey(c))) emitSubtree(c, 'delete', deletes, opts);
    }
  }
  let userOrdered: Set<SchemaNode> | undefined;
  const pair = (a: DataNode, b: DataNode): void => {
    const s = pairChanges(a, b, deletes, others, opts);
    if (s) (userOrdered ??= new Set()).add(s);
  };
  for (let i = 0; i < pre; i++) pair(oc[i], nc[i]);
  for (let i = pre; i < nEnd; i++) {
    const c = nc[i];
    const old = om ? keyed(om, c, innerKey(c)) : undefined;
    if (old) pair(old, c);
    else emitSubtree(c, 'create', others, opts);
  }
  for (let j = 0; j < suf; j++) pair(oc[oEnd + j], nc[nEnd + j]);
  if (userOrdered) reportMoves(o, n, userOrdered, others, opts);
}

/** The children that are not defaults (the array itself when none is). */
function withoutDefaults(ch: DataNode[]): DataNode[] {
  for (let i = 0; i < ch.length; i++) if (ch[i].dflt) return ch.filter((c) => !c.dflt);
  return ch;
}

/**
 * walkPair for nodes with few children: the same result (first instance of
 * a key wins, deletes in the old order, then the new children in order)
 * by linear search, without a map per node.
 */
function walkSmall(o: DataNode, n: DataNode, deletes: Change[], others: Change[], opts: DiffOptions): void {
  const oc = o.children;
  const nc = n.children;
  for (let i = 0; i < oc.length; i++) {
    const c = oc[i];
    if (!keep(c, opts)) continue;
    if (firstIn(oc, c, i, opts)) continue; // not the first instance of its key
    if (!firstIn(nc, c, nc.length, opts)) emitSubtree(c, 'delete', deletes, opts);
  }
  let userOrdered: SchemaNode[] | undefined;
  for (let i = 0; i < nc.length; i++) {
    const c = nc[i];
    if (!keep(c, opts)) continue;
    const old = firstIn(oc, c, oc.length, opts);
    if (!old) {
      emitSubtree(c, 'create', others, opts);
      continue;
    }
    if (firstIn(nc, c, i, opts)) continue; // duplicate in new tree
    const s = pairChanges(old, c, deletes, others, opts);
    if (s && !(userOrdered ??= []).includes(s)) userOrdered.push(s);
  }
  if (userOrdered) reportMoves(o, n, userOrdered, others, opts);
}

/**
 * The moves among the entries of each user-ordered list or leaf-list of
 * `userOrdered` whose order may have changed; `om`: keyMap(o), when the
 * caller has it (made here only when a move is possible).
 */
function reportMoves(o: DataNode, n: DataNode, userOrdered: Iterable<SchemaNode>, others: Change[], opts: DiffOptions, om?: KeyMap): void {
  for (const s of userOrdered) {
    if (sameOrder(o, n, s, opts)) continue;
    om ??= keyMap(o, opts);
    moves(o, n, s, om.get(s)!, others, opts);
  }
}

/**
 * With opts.unique: true when the entries of user-ordered `s` have the same
 * keys in the same order under o and n, so that no entry moved (moves()
 * would find none, after building its maps and sequences).
 */
function sameOrder(o: DataNode, n: DataNode, s: SchemaNode, opts: DiffOptions): boolean {
  if (!opts.unique) return false;
  const oc = o.children;
  const nc = n.children;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < oc.length && (oc[i].schema !== s || !keep(oc[i], opts))) i++;
    while (j < nc.length && (nc[j].schema !== s || !keep(nc[j], opts))) j++;
    if (i === oc.length || j === nc.length) return i === oc.length && j === nc.length;
    if (!sameIndexKey(oc[i], nc[j])) return false;
    i++;
    j++;
  }
}

/** The first kept node of arr[0..upTo) with the key of `x`. */
function firstIn(arr: DataNode[], x: DataNode, upTo: number, opts: DiffOptions): DataNode | undefined {
  for (let j = 0; j < upTo; j++) {
    const c = arr[j];
    if (keep(c, opts) && sameIndexKey(c, x)) return c;
  }
  return undefined;
}

/** Changes between two matched nodes; returns the schema when it is a user-ordered list or leaf-list. */
function pairChanges(oc: DataNode, nc: DataNode, deletes: Change[], others: Change[], opts: DiffOptions): SchemaNode | undefined {
  const s = nc.schema;
  if (s.kind === 'leaf') {
    if (oc.value !== nc.value) {
      others.push({ op: 'modify', path: jsonPathOf(nc, paths), schema: s, node: nc, oldNode: oc, newNode: nc, old: oc.value, new: nc.value });
    } else if (oc.dflt !== nc.dflt) explicitness(oc, nc, deletes, others);
  } else if (s.kind === 'leaf-list') {
    if (oc.dflt !== nc.dflt) explicitness(oc, nc, deletes, others);
  } else if (s.kind === 'anydata' || s.kind === 'anyxml') {
    if (oc.raw !== nc.raw || oc.rawJson !== nc.rawJson) {
      others.push({ op: 'modify', path: jsonPathOf(nc, paths), schema: s, node: nc, oldNode: oc, newNode: nc });
    }
  } else if (!sameLeaves(oc, nc)) {
    walkPair(oc, nc, deletes, others, opts);
  }
  if ((s.kind === 'list' || s.kind === 'leaf-list') && s.orderedBy === 'user') return s;
  return undefined;
}

/**
 * A leaf or leaf-list entry with the same value in both trees that turned
 * from a default node into an explicit one (create) or back (delete): see
 * Change.explicitOnly. (Never with ignoreDefaults: default nodes are not
 * paired then, so the explicit one is a plain create or delete.)
 */
function explicitness(oc: DataNode, nc: DataNode, deletes: Change[], others: Change[]): void {
  const s = nc.schema;
  if (nc.dflt) {
    deletes.push({ op: 'delete', path: jsonPathOf(oc, paths), schema: s, node: oc, oldNode: oc, newNode: nc, old: oc.value, explicitOnly: true });
  } else {
    others.push({ op: 'create', path: jsonPathOf(nc, paths), schema: s, node: nc, oldNode: oc, newNode: nc, new: nc.value, explicitOnly: true });
  }
}

/**
 * True when two nodes have only leaf children, the same ones in the same
 * order with the same values and default flags: nothing below them
 * changed (most list entries of a large list in a commit), known without
 * the key matching of walkPair.
 */
function sameLeaves(o: DataNode, n: DataNode): boolean {
  const a = o.children;
  const b = n.children;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.schema !== y.schema || x.value !== y.value || x.dflt !== y.dflt || x.schema.kind !== 'leaf') return false;
  }
  return true;
}

/** Moves among the entries of user-ordered `s` (om: the old entries of `s` by innerKey). */
function moves(o: DataNode, n: DataNode, s: SchemaNode, om: Map<unknown, DataNode>, out: Change[], opts: DiffOptions): void {
  const nkeys: unknown[] = [];
  const nnodes: DataNode[] = [];
  for (const c of n.children) {
    if (c.schema !== s || !keep(c, opts)) continue;
    const k = innerKey(c);
    if (!om.has(k)) continue;
    nkeys.push(k);
    nnodes.push(c);
  }
  const nset = new Set(nkeys);
  const okeys: unknown[] = [];
  for (const c of o.children) {
    if (c.schema !== s || !keep(c, opts)) continue;
    const k = innerKey(c);
    if (nset.has(k)) okeys.push(k);
  }
  // entries not on the longest common (increasing) subsequence moved
  const pos = new Map<unknown, number>();
  for (let i = 0; i < okeys.length; i++) pos.set(okeys[i], i);
  const seq = new Array<number>(nkeys.length);
  for (let i = 0; i < nkeys.length; i++) seq[i] = pos.get(nkeys[i])!;
  const stay = lisMembers(seq);
  // creates of new entries in a user-ordered list also need a place: report it through `after` on moves only
  for (let i = 0; i < nnodes.length; i++) {
    if (stay.has(i)) continue;
    const nc = nnodes[i];
    const prev = prevSibling(nc, s);
    out.push({ op: 'move', path: jsonPathOf(nc, paths), schema: s, node: nc, oldNode: om.get(nkeys[i]), newNode: nc, after: prev });
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
export function lisMembers(seq: number[]): Set<number> {
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
