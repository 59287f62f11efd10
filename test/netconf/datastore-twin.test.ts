import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Datastore } from '../../src/datastore';
import { factoryConfig } from '../../src/daemon/factory';
import { clone, parseXml, validate, walk } from '../../src/yang/data';
import type { DataNode } from '../../src/yang/data/node';
import { sameSubtree } from '../../src/yang/data/tree';
import { applyEdit } from '../../src/netconf/edit';
import { loadContext } from '../../src/yang/context';
import { IMPLEMENTED_MODULES, searchPath } from '../../src/daemon/modules';

const COS = 'urn:flowtapd:yang:class-of-service';
const origin = { kind: 'netconf', user: 'admin', sessionId: 1 };

/** the turn after a commit, when the tree it replaced becomes the twin */
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

function nodesOf(t: DataNode): Set<DataNode> {
  const s = new Set<DataNode>();
  walk(t, (n) => void s.add(n));
  return s;
}

describe('datastore: the twin of running (an edit without a copy of the configuration)', function () {
  this.timeout(30000);
  const ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
  let dir: string;
  let ds: Datastore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-twin-'));
    ds = new Datastore(ctx, dir);
    ds.load(factoryConfig({ user: 'admin', password: 'pw' }));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const edit = (tree: DataNode, xml: string): void => {
    const e = parseXml(ctx, `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${xml}</config>`, { type: 'edit', unwrap: true });
    const r = applyEdit(tree, e, { defaultOperation: 'merge', continueOnError: false });
    assert.equal(r.errors.length, 0, r.errors.map((x) => x.message).join('; '));
  };
  const classes = (body: string): string => `<class-of-service xmlns="${COS}"><forwarding-classes>${body}</forwarding-classes></class-of-service>`;

  it('120 edits and commits through the twin give what edits of copies give, file and tree', async () => {
    // the same edits applied to copies of running (the way without a twin), as the reference
    let reference = clone(ds.get('running'));
    const ops = (i: number): string => {
      const k = i % 7;
      if (k === 0) return classes(`<class><name>c${i % 23}</name><queue-num>${i % 8}</queue-num></class>`);
      if (k === 1) return classes(`<class xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"><name>c${(i * 5) % 23}</name></class>`);
      if (k === 2) return classes(`<class><name>c${(i * 3) % 23}</name><dscp>${i % 64}</dscp></class>`);
      if (k === 3) return classes(`<class><name>c${(i * 3) % 23}</name><dscp xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"/></class>`);
      if (k === 4) return `<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface><name>tw${i % 5}</name><type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>${i % 2 ? '<enabled>false</enabled>' : ''}</interface></interfaces>`;
      if (k === 5) return `<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"><name>tw${(i * 3) % 5}</name></interface></interfaces>`;
      return classes(`<class><name>d${i}</name></class>`);
    };
    let reused = 0;
    let replaced = new Set<DataNode>(); // the nodes of the tree the last commit replaced
    for (let i = 0; i < 120; i++) {
      const before = ds.get('running');
      const beforeNodes = nodesOf(before);
      const work = ds.copyOf('candidate');
      // the copy is the replaced tree (its nodes, under a new root), not a new one
      if ([...nodesOf(work)].some((n) => replaced.has(n))) reused++;
      assert.ok(work !== before, 'a copy, not running');
      const shared = [...nodesOf(work)].filter((n) => beforeNodes.has(n));
      assert.equal(shared.length, 0, 'the copy shares no node with running');
      assert.ok(sameSubtree(work, before), `round ${i}: the copy equals running`);
      edit(work, ops(i));
      ds.set('candidate', work);
      await ds.commit(origin);
      assert.ok(ds.get('running') === work || ds.get('running') === before, `round ${i}: the candidate became running (or changed nothing)`);
      if (ds.get('running') !== before) replaced = beforeNodes;
      // the reference: a copy, the same edit, validated
      reference = clone(reference);
      edit(reference, ops(i));
      assert.deepEqual(validate(ctx, reference, { type: 'config' }), []);
      assert.ok(sameSubtree(ds.get('running'), reference), `round ${i}: running as with copies`);
      assert.equal(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), ds.serialise(reference));
      if (i % 3) await nextTurn(); // sometimes the twin is caught up in its turn, sometimes by the next edit
      // the replaced tree is taken over with a new root: a holder of the old root finds it empty
      if (i % 3 && ds.get('running') !== before) assert.equal(before.children.length, 0, `round ${i}: the old root is emptied`);
    }
    assert.ok(reused > 80, `${reused} of 120 copies were the replaced tree`);
  });

  it('keeps the configuration a confirmed commit rolls back to (no twin made of it)', async () => {
    const original = ds.serialise(ds.get('running'));
    const w = ds.copyOf('candidate');
    edit(w, classes('<class><name>tentative</name></class>'));
    ds.set('candidate', w);
    await ds.commit(origin, { confirmed: true, timeoutSec: 60 });
    await nextTurn();
    // more commits while the confirmed one is pending: their copies must not be the rollback tree
    for (let i = 0; i < 3; i++) {
      const x = ds.copyOf('candidate');
      edit(x, classes(`<class><name>more${i}</name></class>`));
      ds.set('candidate', x);
      await ds.commit(origin, { confirmed: true, timeoutSec: 60 });
      await nextTurn();
    }
    await ds.queue.run(() => ds.cancelCommit(1));
    assert.equal(ds.serialise(ds.get('running')), original);
    assert.equal(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), original);
  });

  it('a copy dropped after a failed edit leaves running as it was', async () => {
    const text = ds.serialise(ds.get('running'));
    const w = ds.copyOf('running');
    edit(w, classes('<class><name>dropped</name></class>'));
    // not stored: the next copy is a fresh one, equal to running
    const again = ds.copyOf('running');
    assert.ok(again !== w, 'a fresh copy');
    assert.equal(ds.serialise(again), text);
    assert.equal(ds.serialise(ds.get('running')), text);
  });
  it('a commit that only sets a leaf to its default explicitly, or takes that back, is installed and the twin follows', async () => {
    const ACC = 'urn:flowtapd:yang:access';
    const port = (t: DataNode): DataNode | undefined => {
      const a = t.children.find((c) => c.schema.name === 'access');
      return a?.children.find((c) => c.schema.name === 'radius-accounting-port');
    };
    for (const [xml, explicit] of [
      [`<access xmlns="${ACC}"><radius-accounting-port>1813</radius-accounting-port></access>`, true],
      [`<access xmlns="${ACC}"><radius-accounting-port xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="delete"/></access>`, false],
    ] as const) {
      await nextTurn(); // the twin is made of the tree the last commit replaced
      const before = ds.get('running');
      const work = ds.copyOf('candidate');
      assert.ok(sameSubtree(work, before), 'the copy equals running, default flags included');
      edit(work, xml);
      ds.set('candidate', work);
      await ds.commit(origin);
      assert.equal(ds.get('running'), work, 'installed');
      assert.equal(port(ds.get('running'))!.dflt, !explicit);
      assert.equal(/radius-accounting-port/.test(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8')), explicit);
    }
    await nextTurn();
    const copy = ds.copyOf('candidate');
    assert.ok(sameSubtree(copy, ds.get('running')));
    assert.equal(port(copy)!.dflt, true);
  });
});
