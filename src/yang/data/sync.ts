/**
 * syncTree: make one tree hold the same data as another by changing it in
 * place, reusing its nodes. A datastore that keeps a private tree equal to
 * running (the one a commit replaced, caught up) hands it to the next edit
 * instead of cloning running: the edit then allocates only what it changes,
 * and the configuration's nodes live long in the old generation of the
 * heap instead of being copied by every scavenge.
 */
import { DataNode } from './node';
import { clone, indexKey, sameIndexKey } from './tree';

/**
 * Change `dst` in place until sameSubtree(dst, src) holds (`src` is only
 * read; both have the same schema node). Children that line up keep their
 * nodes and are synced in turn; others are matched by their index key
 * (list entries by key values, leaf-list entries by value), copied from
 * `src` when `dst` has no match, and detached when `src` has none. Source
 * lines of a parse are cleared (they belong to the text `dst` came from).
 */
export function syncTree(dst: DataNode, src: DataNode): void {
  if (dst.value !== src.value) dst.value = src.value;
  if (dst.dflt !== src.dflt) dst.dflt = src.dflt;
  if (dst.raw !== src.raw) dst.raw = src.raw;
  if (dst.rawJson !== src.rawJson) dst.rawJson = src.rawJson;
  if (src.meta) dst.meta = new Map(src.meta);
  else if (dst.meta) dst.meta = undefined;
  if (dst.line !== undefined) dst.line = undefined;
  const dc = dst.children;
  const sc = src.children;
  const min = Math.min(dc.length, sc.length);
  let lo = 0;
  while (lo < min && sameSlot(dc[lo], sc[lo])) lo++;
  if (lo === dc.length && lo === sc.length) {
    // every child lines up (the common case): no new array, no key map
    for (let j = 0; j < lo; j++) syncTree(dc[j], sc[j]);
    return;
  }
  rebuild(dst, src, lo);
}

/**
 * The children of `dst` made those of `src`: the common start (the first
 * `lo`, which line up) and end keep their nodes by position, the stretch
 * between is matched by index key. An index `dst` has is kept up to date
 * (the config trees synced have no two siblings with one key); otherwise
 * it is dropped.
 */
function rebuild(dst: DataNode, src: DataNode, lo: number): void {
  const dc = dst.children;
  const sc = src.children;
  let hiD = dc.length;
  let hiS = sc.length;
  while (hiD > lo && hiS > lo && sameSlot(dc[hiD - 1], sc[hiS - 1])) {
    hiD--;
    hiS--;
  }
  const index = dst.index;
  let indexOk = index !== undefined;
  // dst's children in the stretch, by index key (keyless list entries are never equal: not pooled)
  const pool = new Map<string, DataNode>();
  const left: DataNode[] = [];
  for (let i = lo; i < hiD; i++) {
    const d = dc[i];
    const k = pooledKey(d);
    if (k === undefined) left.push(d);
    else if (pool.has(k)) {
      left.push(d);
      indexOk = false; // two siblings with one key: the index is rebuilt when next needed
    } else pool.set(k, d);
  }
  const out = new Array<DataNode>(sc.length);
  for (let i = 0; i < lo; i++) {
    syncTree(dc[i], sc[i]);
    out[i] = dc[i];
  }
  for (let i = lo; i < hiS; i++) {
    const s = sc[i];
    const k = pooledKey(s);
    let d = k === undefined ? undefined : pool.get(k);
    if (d) {
      pool.delete(k!);
      syncTree(d, s);
    } else {
      d = clone(s);
      d.parent = dst;
      if (indexOk) {
        const ik = indexKey(d);
        if (index!.has(ik)) indexOk = false;
        else index!.set(ik, d);
      }
    }
    out[i] = d;
  }
  for (let j = 0; hiS + j < sc.length; j++) {
    syncTree(dc[hiD + j], sc[hiS + j]);
    out[hiS + j] = dc[hiD + j];
  }
  for (const d of pool.values()) left.push(d);
  for (const d of left) {
    if (indexOk) {
      const ik = indexKey(d);
      if (index!.get(ik) === d) index!.delete(ik);
    }
    d.parent = null;
  }
  dst.children = out;
  if (!indexOk) dst.index = undefined;
}

/** The key a child is matched by in rebuild(); undefined for a keyless list entry. */
function pooledKey(n: DataNode): string | undefined {
  const s = n.schema;
  if (s.kind === 'list' && !s.keys.length) return undefined;
  return indexKey(n);
}

/**
 * True when `a` (in dst) can stay where it is for `b` (in src): the same
 * index key (schema node, key values or value), except that keyless list
 * entries pair by position.
 */
function sameSlot(a: DataNode, b: DataNode): boolean {
  const s = a.schema;
  if (s.kind === 'list' && !s.keys.length) return s === b.schema;
  return sameIndexKey(a, b);
}
