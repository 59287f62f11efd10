import { strict as assert } from 'assert';
import * as d from '../../src/yang/data';
import type { DataNode } from '../../src/yang/data/node';
import { sameSubtree } from '../../src/yang/data/tree';
import { syncTree } from '../../src/yang/data/sync';
import { dtContext, top } from './fixtures/data/context';

/** a small deterministic generator (tests repeat exactly) */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A random valid dt:top: entries, ordered-by-user leaf-list and list, choice cases, when, anydata. */
function randomTop(r: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const shuffled = <T>(xs: T[]): T[] => xs.map((x) => [r(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
  let s = '';
  if (r() < 0.7) s += `<name>${pick(['a', 'b', 'c'])}</name>`;
  if (r() < 0.5) s += `<mtu>${pick(['1500', '9000', '1400'])}</mtu>`;
  const ids = shuffled(['k1', 'k2', 'k3', 'k4']).slice(0, Math.floor(r() * 4));
  ids.forEach((id, i) => {
    s += `<item><id>${id}</id>${r() < 0.6 ? `<port>${i * 10 + Math.floor(r() * 3)}</port>` : ''}${r() < 0.5 ? `<note>${pick(['x', 'y'])}</note>` : ''}</item>`;
  });
  for (const t of shuffled(['t1', 't2', 't3', 't4']).slice(0, 1 + Math.floor(r() * 4))) s += `<tags>${t}</tags>`;
  for (const n of shuffled(['n1', 'n2', 'n3']).slice(0, Math.floor(r() * 4))) s += `<seq><n>${n}</n></seq>`;
  const transport = pick(['', '<tcp-port>8080</tcp-port>', '<udp-port>53</udp-port>', '<udp-port>53</udp-port><udp-mode>slow</udp-mode>']);
  const mode = pick(['', '<mode>full</mode>', '<mode>full</mode><full-opts><depth>5</depth></full-opts>', '<mode>full</mode><extra>e</extra>']);
  const need = r() < 0.3 ? '<need><inner>i</inner></need>' : '';
  const blob = r() < 0.3 ? `<blob><any xmlns="urn:other">${pick(['one', 'two'])}</any></blob>` : '';
  return top(s + transport + mode + need + blob, pick(['<v4/>', '<v6/>']));
}

function parsed(xml: string): DataNode {
  const ctx = dtContext();
  const root = d.parseXml(ctx, xml, { type: 'config' });
  assert.deepEqual(d.validate(ctx, root, { type: 'config' }).map((e) => e.message), []);
  return root;
}

/** every node's parent is the node whose children hold it */
function checkParents(n: DataNode): void {
  for (const c of n.children) {
    assert.equal(c.parent, n, `${c.schema.name} under ${n.schema.name}`);
    checkParents(c);
  }
}

/** the lookup index (when a node has one) agrees with a scan of the children */
function checkIndex(n: DataNode): void {
  if (n.index) {
    assert.equal(n.index.size, new Set(n.children.map((c) => d.indexKey(c))).size, `index of ${n.schema.name}`);
    for (const c of n.children) assert.equal(n.index.get(d.indexKey(c)), c);
  }
  for (const c of n.children) checkIndex(c);
}

describe('yang/data: syncTree (a tree made equal to another in place)', () => {
  const ctx = dtContext();

  it('makes 400 random pairs of trees equal (order, choice cases, when, defaults, anydata) without touching the source', () => {
    const r = rng(7);
    let dst = parsed(randomTop(r));
    for (let i = 0; i < 400; i++) {
      const src = parsed(randomTop(r));
      // an index on the entries of dst, as the lookups of an edit leave it
      const dtop = dst.children[0];
      d.findEntry(dtop, dtop.schema.children.find((c) => c.name === 'item')!, ['k1']);
      d.findEntry(dtop, dtop.schema.children.find((c) => c.name === 'item')!, ['k2']);
      const before = d.toXml(src, { withDefaults: 'report-all-tagged' });
      syncTree(dst, src);
      assert.ok(sameSubtree(dst, src), `round ${i}:\n${d.toXml(dst, { withDefaults: 'report-all-tagged' })}\n${before}`);
      assert.equal(d.toXml(src, { withDefaults: 'report-all-tagged' }), before, 'the source is unchanged');
      assert.equal(d.toXml(dst, { withDefaults: 'report-all-tagged' }), before);
      checkParents(dst);
      checkIndex(dst);
      // no node is shared between the two trees
      const mine = new Set<DataNode>();
      d.walk(dst, (n) => void mine.add(n));
      d.walk(src, (n) => assert.ok(!mine.has(n), 'a node of the source is in the synced tree'));
      // the synced tree validates as the source does and diffs as equal
      assert.deepEqual(d.diff(src, dst), []);
      if (i % 2) dst = src; // sometimes continue from a parsed tree, sometimes from a synced one
    }
  });

  it('keeps the nodes of entries that stay, copies new ones, detaches removed ones, and keeps the index', () => {
    const base = (ids: string[], note = 'x'): DataNode =>
      parsed(top(ids.map((id, i) => `<item><id>${id}</id><port>${i}</port><note>${note}</note></item>`).join('')));
    const dst = base(['k1', 'k2', 'k3']);
    const dtop = dst.children[0];
    const itemSchema = dtop.schema.children.find((c) => c.name === 'item')!;
    d.findEntry(dtop, itemSchema, ['k1']);
    d.findEntry(dtop, itemSchema, ['k2']); // builds the index
    assert.ok(dtop.index);
    const [k1, k2, k3] = ['k1', 'k2', 'k3'].map((k) => d.findEntry(dtop, itemSchema, [k])!);
    const k2note = k2.children.find((c) => c.schema.name === 'note')!;
    // k2 goes, k4 comes, k1 and k3 change a leaf each
    const src = parsed(top('<item><id>k1</id><port>0</port><note>y</note></item><item><id>k3</id><port>2</port><note>x</note></item><item><id>k4</id><port>9</port></item>'));
    syncTree(dst, src);
    assert.ok(sameSubtree(dst, src));
    assert.equal(dst.children[0], dtop, 'the top container is the same node');
    assert.equal(d.findEntry(dtop, itemSchema, ['k1']), k1, 'a kept entry is the same node');
    assert.equal(d.findEntry(dtop, itemSchema, ['k3']), k3);
    assert.equal(d.findEntry(dtop, itemSchema, ['k2']), undefined, 'the index forgot the removed entry');
    const k4 = d.findEntry(dtop, itemSchema, ['k4'])!;
    assert.ok(k4 && k4.parent === dtop && !src.children[0].children.includes(k4), 'a new entry is a copy');
    assert.equal(k2.parent, null, 'a removed entry is detached');
    assert.equal(k2note.parent, k2, 'its subtree is left as it was');
    checkIndex(dst);
    // a value that changes in place: the leaf node is the same
    const note1 = k1.children.find((c) => c.schema.name === 'note')!;
    syncTree(dst, base(['k1', 'k3', 'k4'], 'z'));
    assert.equal(note1.value, 'z');
    assert.equal(k1.children.find((c) => c.schema.name === 'note'), note1);
  });

  it('follows ordered-by-user moves and a choice that changes case', () => {
    const dst = parsed(top('<seq><n>n1</n></seq><seq><n>n2</n></seq><seq><n>n3</n></seq><tcp-port>1</tcp-port>', '<tags>a</tags><tags>b</tags><tags>c</tags><v4/>'));
    const src = parsed(top('<seq><n>n3</n></seq><seq><n>n1</n></seq><seq><n>n2</n></seq><udp-port>2</udp-port>', '<tags>c</tags><tags>a</tags><tags>b</tags><v6/>'));
    const n3 = dst.children[0].children.find((c) => c.schema.name === 'seq' && c.children[0].value === 'n3');
    syncTree(dst, src);
    assert.equal(d.toXml(dst), d.toXml(src));
    assert.ok(sameSubtree(dst, src));
    assert.equal(dst.children[0].children.find((c) => c.schema.name === 'seq'), n3, 'a moved entry keeps its node');
    assert.deepEqual(d.validate(ctx, dst, { type: 'config' }), []);
  });
});
