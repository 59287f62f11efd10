/**
 * diff() against the plain definition it optimises (a key map per node,
 * every key string built): random pairs of trees, small and large child
 * counts, duplicates, default nodes, ordered-by user lists and leaf-lists,
 * every option combination, the same changes in the same order (also
 * leaves and leaf-list entries that only turn default or explicit).
 */
import { strict as assert } from 'assert';
import { isDeepStrictEqual } from 'util';
import * as d from '../../src/yang/data';
import { DataNode } from '../../src/yang/data/node';
import type { SchemaNode } from '../../src/yang/schema';
import { indexKey, pathOf } from '../../src/yang/data/tree';
import { lisMembers } from '../../src/yang/data/diff';
import { dtContext } from './fixtures/data/context';

// ---- the reference: diff.ts as it was before the linear-search path for small nodes
type Change = d.Change;
function refDiff(oldRoot: DataNode, newRoot: DataNode, opts: d.DiffOptions = {}): Change[] {
  const deletes: Change[] = [];
  const others: Change[] = [];
  const keep = (n: DataNode): boolean => !(opts.ignoreDefaults && n.dflt);
  const childMap = (n: DataNode): Map<string, DataNode> => {
    const m = new Map<string, DataNode>();
    for (const c of n.children) if (keep(c)) {
      const k = indexKey(c);
      if (!m.has(k)) m.set(k, c);
    }
    return m;
  };
  const emit = (n: DataNode, op: 'create' | 'delete', into: Change[]): void => {
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
    if (opts.expand) for (const k of n.children) if (keep(k)) emit(k, op, into);
  };
  const prevSibling = (n: DataNode, s: SchemaNode): DataNode | null => {
    let prev: DataNode | null = null;
    for (const c of n.parent!.children) {
      if (c === n) return prev;
      if (c.schema === s) prev = c;
    }
    return prev;
  };
  const moves = (o: DataNode, n: DataNode, s: SchemaNode, om: Map<string, DataNode>): void => {
    const nkeys: string[] = [];
    const nnodes: DataNode[] = [];
    for (const c of n.children) if (c.schema === s && keep(c) && om.has(indexKey(c))) {
      nkeys.push(indexKey(c));
      nnodes.push(c);
    }
    const nset = new Set(nkeys);
    const okeys: string[] = [];
    for (const c of o.children) if (c.schema === s && keep(c) && nset.has(indexKey(c))) okeys.push(indexKey(c));
    const pos = new Map(okeys.map((k, i) => [k, i]));
    const stay = lisMembers(nkeys.map((k) => pos.get(k)!));
    for (let i = 0; i < nnodes.length; i++) {
      if (stay.has(i)) continue;
      const nc = nnodes[i];
      others.push({ op: 'move', path: pathOf(nc).json, schema: s, node: nc, oldNode: om.get(nkeys[i]), newNode: nc, after: prevSibling(nc, s) });
    }
  };
  const walk = (o: DataNode, n: DataNode): void => {
    const om = childMap(o);
    const nm = childMap(n);
    for (const [k, oc] of om) if (!nm.has(k)) emit(oc, 'delete', deletes);
    const userOrdered = new Set<SchemaNode>();
    for (const nc of n.children) {
      if (!keep(nc)) continue;
      const k = indexKey(nc);
      const oc = om.get(k);
      if (!oc) {
        emit(nc, 'create', others);
        continue;
      }
      if (nm.get(k) !== nc) continue;
      const s = nc.schema;
      // same value, default in one tree and explicit in the other: set explicitly, or no longer
      const explicitness = (): void => {
        if (oc.dflt === nc.dflt) return;
        if (nc.dflt) deletes.push({ op: 'delete', path: pathOf(oc).json, schema: s, node: oc, oldNode: oc, newNode: nc, old: oc.value, explicitOnly: true });
        else others.push({ op: 'create', path: pathOf(nc).json, schema: s, node: nc, oldNode: oc, newNode: nc, new: nc.value, explicitOnly: true });
      };
      if (s.kind === 'leaf') {
        if (oc.value !== nc.value) others.push({ op: 'modify', path: pathOf(nc).json, schema: s, node: nc, oldNode: oc, newNode: nc, old: oc.value, new: nc.value });
        else explicitness();
      } else if (s.kind === 'leaf-list') explicitness();
      else if (s.kind === 'anydata' || s.kind === 'anyxml') {
        if (oc.raw !== nc.raw || oc.rawJson !== nc.rawJson) others.push({ op: 'modify', path: pathOf(nc).json, schema: s, node: nc, oldNode: oc, newNode: nc });
      } else if (s.kind !== 'leaf-list') walk(oc, nc);
      if ((s.kind === 'list' || s.kind === 'leaf-list') && s.orderedBy === 'user') userOrdered.add(s);
    }
    for (const s of userOrdered) moves(o, n, s, om);
  };
  walk(oldRoot, newRoot);
  deletes.reverse();
  return deletes.concat(others);
}

// ---- random trees over test/yang/fixtures/data/dt.yang
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

describe('yang/data: diff against its reference definition', () => {
  const ctx = dtContext();
  const topS = ctx.root.dataChildren.get('dt:top')!;
  const kid = (s: SchemaNode, name: string): SchemaNode => s.dataChildren.get(`dt:${name}`)!;
  const item = kid(topS, 'item');
  const seq = kid(topS, 'seq');
  const tags = kid(topS, 'tags');
  const leaf = (s: SchemaNode, v: string | null, dflt = false): DataNode => {
    const n = new DataNode(s, v);
    n.dflt = dflt;
    return n;
  };
  const add = (p: DataNode, c: DataNode): DataNode => {
    c.parent = p;
    p.children.push(c);
    return c;
  };

  /** a tree with `size` list entries and leaf-list values drawn from a small pool (so pairs overlap) */
  function tree(r: () => number, size: number): DataNode {
    const root = d.newTree(ctx);
    const top = add(root, new DataNode(topS));
    top.dflt = r() < 0.1;
    const pick = (k: number): string => String(Math.floor(r() * k));
    if (r() < 0.8) add(top, leaf(kid(topS, 'name'), pick(3)));
    if (r() < 0.5) add(top, leaf(kid(topS, 'mtu'), r() < 0.5 ? '1500' : pick(3), r() < 0.5));
    if (r() < 0.3) add(top, leaf(kid(topS, 'name'), pick(3))); // duplicate single instance
    for (let i = 0; i < size; i++) {
      const which = r();
      if (which < 0.5) {
        const e = add(top, new DataNode(item));
        e.dflt = r() < 0.05;
        if (r() < 0.97) add(e, leaf(kid(item, 'id'), r() < 0.03 ? '' : `i${pick(size + 2)}`));
        if (r() < 0.7) add(e, leaf(kid(item, 'port'), pick(4), r() < 0.2));
        if (r() < 0.3) add(e, leaf(kid(item, 'note'), pick(2)));
      } else if (which < 0.75) {
        const e = add(top, new DataNode(seq));
        add(e, leaf(kid(seq, 'n'), `s${pick(size + 2)}`));
      } else add(top, leaf(tags, `t${pick(size + 2)}`, r() < 0.1));
    }
    // shuffle a few positions
    const ch = top.children;
    for (let i = 0; i < ch.length / 4; i++) {
      const a = Math.floor(r() * ch.length);
      const b = Math.floor(r() * ch.length);
      [ch[a], ch[b]] = [ch[b], ch[a]];
    }
    return root;
  }

  /** a variant of `t`: a clone with some entries removed, added, changed and moved */
  function mutate(r: () => number, t: DataNode, size: number): DataNode {
    const c = d.clone(t);
    const top = c.children[0];
    const ch = top.children;
    for (let i = ch.length - 1; i >= 0; i--) if (r() < 0.15) ch.splice(i, 1);
    const extra = tree(r, Math.floor(r() * (size / 3 + 2))).children[0].children;
    for (const e of extra) if (r() < 0.6) {
      e.parent = top;
      ch.splice(Math.floor(r() * (ch.length + 1)), 0, e);
    }
    for (const e of ch) {
      if (e.schema === item) for (const l of e.children) if (l.schema.name !== 'id' && r() < 0.2) l.value = String(Math.floor(r() * 4));
      if (e.schema.kind === 'leaf' && r() < 0.2) e.value = String(Math.floor(r() * 3));
      // the same value set explicitly, or no longer (explicitOnly creates and deletes)
      if (e.schema === item) for (const l of e.children) if (l.schema.name === 'port' && r() < 0.1) l.dflt = !l.dflt;
      if ((e.schema.kind === 'leaf' || e.schema === tags) && r() < 0.1) e.dflt = !e.dflt;
    }
    if (r() < 0.3 && ch.length > 1) ch.push(ch.shift()!);
    return c;
  }

  const brief = (cs: Change[]): unknown[] =>
    cs.map((c) => [c.op, c.path, c.schema, c.node, c.old, c.new, c.oldNode, c.newNode, c.after, Object.keys(c).sort().join(',')]);

  it('gives the same change list as the reference on 3,000 random pairs', () => {
    const r = rng(20261205);
    for (let i = 0; i < 3000; i++) {
      const size = r() < 0.5 ? Math.floor(r() * 7) : Math.floor(r() * 40);
      const a = tree(r, size);
      const b = r() < 0.2 ? tree(r, size) : mutate(r, a, size);
      for (const opts of [{}, { expand: true }, { ignoreDefaults: true }, { expand: true, ignoreDefaults: true }]) {
        assert.deepEqual(brief(d.diff(a, b, opts)), brief(refDiff(a, b, opts)), `pair ${i} ${JSON.stringify(opts)}`);
        assert.deepEqual(brief(d.diff(b, a, opts)), brief(refDiff(b, a, opts)), `pair ${i} reversed ${JSON.stringify(opts)}`);
      }
    }
  });

  /** `t` with the later of any two siblings of the same key removed, everywhere (what the parsers would have refused) */
  function dedupe(t: DataNode): DataNode {
    const seen = new Set<string>();
    t.children = t.children.filter((c) => {
      const k = indexKey(c);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    for (const c of t.children) dedupe(c);
    return t;
  }

  /** a variant of `t` with a few changes only (long runs of children line up at both ends) */
  function touch(r: () => number, t: DataNode, size: number): DataNode {
    const c = d.clone(t);
    const ch = c.children[0].children;
    const ops = Math.floor(r() * 4);
    for (let k = 0; k < ops; k++) {
      const w = r();
      const at = Math.floor(r() * ch.length);
      if (w < 0.25 && ch.length) ch.splice(at, 1);
      else if (w < 0.5) {
        const e = tree(r, 3).children[0].children[0];
        if (e) {
          e.parent = c.children[0];
          ch.splice(at, 0, e);
        }
      } else if (w < 0.75 && ch[at]) {
        const e = ch[at];
        if (e.schema === item) for (const l of e.children) if (l.schema.name !== 'id') l.value = String(Math.floor(r() * 4));
        if (e.schema.kind === 'leaf') e.value = `v${k}`;
      } else if (at + 1 < ch.length) [ch[at], ch[at + 1]] = [ch[at + 1], ch[at]];
    }
    if (r() < 0.1 && size > 0) return mutate(r, t, size);
    return c;
  }

  it('with unique keys (the aligned path) gives the same change list as the reference on 3,000 random pairs', () => {
    const r = rng(20261206);
    let aligned = 0;
    for (let i = 0; i < 3000; i++) {
      const size = r() < 0.3 ? Math.floor(r() * 12) : Math.floor(r() * 300);
      const a = dedupe(tree(r, size));
      const b = dedupe(r() < 0.1 ? tree(r, size) : touch(r, a, size));
      if (a.children[0] && b.children[0] && a.children[0].children.length > 8) aligned++;
      for (const opts of [{ unique: true }, { unique: true, expand: true }, { unique: true, ignoreDefaults: true }]) {
        // isDeepStrictEqual: a failure message need not print trees (their parent links make it huge)
        assert.ok(isDeepStrictEqual(brief(d.diff(a, b, opts)), brief(refDiff(a, b, opts))), `pair ${i} ${JSON.stringify(opts)}`);
        assert.ok(isDeepStrictEqual(brief(d.diff(b, a, opts)), brief(refDiff(b, a, opts))), `pair ${i} reversed ${JSON.stringify(opts)}`);
      }
    }
    assert.ok(aligned > 1000, `large nodes compared: ${aligned}`);
  });
});
