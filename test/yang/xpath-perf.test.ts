/**
 * Scale: must expressions on each of 10,000 list entries, leafref checks in a
 * 100,000-node tree, and the evaluation cache's correctness on big lists.
 */
import assert from 'node:assert/strict';
import type { DataNode } from '../../src/yang/data/node';
import { dn, labels, mkContext, mkModule, mkType, resolverFor, sn, xpath } from './xpath-helpers';

const m = mkModule('big', 'b');
const str = mkType(m, 'string');
const leaf = (name: string) => sn('leaf', name, m, [], { type: str });
const name = leaf('name');
const extra = ['a', 'b', 'c', 'd', 'e', 'f'].map(leaf);
const peer = leaf('peer');
const cls = leaf('cls');
const tags = sn('leaf-list', 'tag', m, [], { type: str });
const entry = sn('list', 'entry', m, [name, ...extra, peer, cls, tags]);
entry.keys = [name];
const className = leaf('name');
const klass = sn('list', 'class', m, [className]);
klass.keys = [className];
const cfg = sn('container', 'cfg', m, [entry, klass]);
const ctx = mkContext([m], [cfg]);
const resolve = resolverFor(m);

const N = 10000;
const CLASSES = 200;
const entries: DataNode[] = [];
for (let i = 0; i < N; i++) {
  entries.push(
    dn(entry, [
      dn(name, `e${i}`),
      ...extra.map((l, j) => dn(l, String((i + j) % 13))),
      dn(peer, `e${(i * 7) % N}`),
      dn(cls, `c${i % CLASSES}`),
      dn(tags, `t${i % 3}`),
      dn(tags, `t${(i % 3) + 1}`),
    ]),
  );
}
const classes = Array.from({ length: CLASSES }, (_, i) => dn(klass, [dn(className, `c${i}`)]));
const cfgNode = dn(cfg, [...entries, ...classes]);
const root = dn(ctx.root, [cfgNode]);
const nodeCount = (n: DataNode): number => 1 + n.children.reduce((s, c) => s + nodeCount(c), 0);

function timed(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

describe('xpath at scale', function () {
  this.timeout(60000);

  it('the tree has over 100,000 nodes', () => {
    assert.ok(nodeCount(root) > 100000, String(nodeCount(root)));
  });

  it('a must expression on each of 10,000 list entries', () => {
    const must = xpath.compile("(a != b or c = '3') and number(d) + number(e) < 30 and not(f = 'x') and count(tag) = 2", resolve);
    let trues = 0;
    const ms = timed(() => {
      for (const e of entries) if (xpath.evaluate(must, { schema: ctx, node: e, root }) === true) trues++;
    });
    assert.equal(trues, N);
    assert.ok(ms < 1500, `${ms} ms`);
  });

  it('leafref checks of 20,000 leaves (absolute and relative paths, keyed predicates) with a cache', () => {
    const abs = xpath.compile('/b:cfg/b:class/b:name', resolve);
    const rel = xpath.compile('../../class/name', resolve);
    const keyed = xpath.compile('/b:cfg/b:entry[b:name = current()]/b:name', resolve);
    const cache = new Map<unknown, unknown>();
    let ok = 0;
    const ms = timed(() => {
      for (const e of entries) {
        const c = e.children[e.children.length - 3];
        const p = e.children[e.children.length - 4];
        const t1 = xpath.evaluate(abs, { schema: ctx, node: c, root, cache }) as DataNode[];
        const t2 = xpath.evaluate(rel, { schema: ctx, node: c, root, cache }) as DataNode[];
        const t3 = xpath.evaluate(keyed, { schema: ctx, node: p, root, cache }) as DataNode[];
        if (t1.length === CLASSES && t2.length === CLASSES && t3.length === 1 && t3[0].value === p.value) ok++;
      }
    });
    assert.equal(ok, N);
    assert.ok(ms < 1500, `${ms} ms`);
  });

  it('`path = current()` against a context-free path is a set look-up with a cache', () => {
    const check = xpath.compile('/b:cfg/b:entry/b:name = current()', resolve);
    const cache = new Map<unknown, unknown>();
    let ok = 0;
    const ms = timed(() => {
      for (const e of entries) {
        const p = e.children[e.children.length - 4];
        if (xpath.evaluate(check, { schema: ctx, node: p, root, cache }) === true) ok++;
      }
    });
    assert.equal(ok, N);
    assert.ok(ms < 1000, `${ms} ms`);
    const missing = xpath.compile("/b:cfg/b:entry/b:name = 'nope'", resolve);
    assert.equal(xpath.evaluate(missing, { schema: ctx, node: root, root, cache }), false);
  });

  it('cached and uncached evaluation agree on keyed predicates, leaf-lists and positions', () => {
    const exprs = [
      "/b:cfg/b:entry[b:tag = 't2'][last()]/b:name",
      "/b:cfg/b:entry[b:tag = 't2'][3]/b:name",
      "/b:cfg/b:entry['e5' = b:name]/b:peer",
      '/b:cfg/b:entry[b:name = /b:cfg/b:entry[b:name = "e3"]/b:peer]/b:name',
      '/b:cfg/b:entry[b:name = current()/../b:peer]/b:cls',
      'count(/b:cfg/b:entry[b:cls = "c7"])',
      "count(../b:entry[b:a = '0'])",
      "/b:cfg/b:entry[b:a = 5][1]/b:name",
    ];
    const node = entries[42].children[0];
    for (const text of exprs) {
      const e = xpath.compile(text, resolve);
      const plain = xpath.evaluate(e, { schema: ctx, node, root });
      const cache = new Map<unknown, unknown>();
      const cached1 = xpath.evaluate(e, { schema: ctx, node, root, cache });
      const cached2 = xpath.evaluate(e, { schema: ctx, node, root, cache });
      const show = (v: unknown) => (Array.isArray(v) ? labels(v) : v);
      assert.deepEqual(show(cached1), show(plain), text);
      assert.deepEqual(show(cached2), show(plain), text);
    }
    const e = xpath.compile("/b:cfg/b:entry[b:tag = 't2'][3]/b:name", resolve);
    assert.deepEqual(labels(xpath.evaluate(e, { schema: ctx, node: root, root })), ['/cfg/entry[e4]/name=e4']);
  });

  it('a result handed out from the cache is a copy', () => {
    const e = xpath.compile('/b:cfg/b:class', resolve);
    const cache = new Map<unknown, unknown>();
    const a = xpath.evaluate(e, { schema: ctx, node: root, root, cache }) as DataNode[];
    a.length = 0;
    const b = xpath.evaluate(e, { schema: ctx, node: root, root, cache }) as DataNode[];
    assert.equal(b.length, CLASSES);
  });

  it('a new cache sees a changed tree', () => {
    const e = xpath.compile("count(/b:cfg/b:class[b:name = 'c1'])", resolve);
    const before = xpath.evaluate(e, { schema: ctx, node: root, root, cache: new Map() });
    const added = dn(klass, [dn(className, 'c1')]);
    added.parent = cfgNode;
    cfgNode.children.push(added);
    try {
      assert.equal(before, 1);
      assert.equal(xpath.evaluate(e, { schema: ctx, node: root, root, cache: new Map() }), 2);
      assert.equal(xpath.evaluate(e, { schema: ctx, node: root, root }), 2);
    } finally {
      cfgNode.children.pop();
    }
  });
});
