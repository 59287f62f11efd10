/**
 * The mirror state store's one journal (state/changes.journal): a write
 * that changes both tables is one line, on disk for both or neither; a
 * torn last line is dropped whole; a bad line before it stops the load
 * naming file and line; a directory of the per-table journals written
 * before it is read and folded into the snapshots.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StateStore, type MirrorSession, type Subscriber } from '../../src/mirror';

const sub = (id: string, ip: string): Subscriber => ({ acctSessionId: id, framedIp: ip, client: '127.0.0.1', startTime: '2026-12-06T00:00:00.000Z' });
const mir = (id: string, ip: string): MirrorSession => ({
  acctSessionId: id,
  addresses: [ip],
  handle: '0000000100000001',
  interceptId: 1,
  sessionId: 1,
  medIp: '198.51.100.1',
  medPort: 30030,
  tunnel: 'vt0',
  startTime: '2026-12-06T00:00:00.000Z',
});

describe('mirror state store: one journal for both tables', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftstore-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const state = (f: string): string => path.join(dir, 'state', f);

  it('one record() of both tables is one line; a new store loads both', async () => {
    const store = new StateStore(dir);
    store.load();
    await store.record({ subscribers: [{ set: sub('a', '192.0.2.1') }], mirrors: [{ set: mir('a', '192.0.2.1') }] });
    await store.record({ subscribers: [{ set: sub('a', '192.0.2.2') }], mirrors: [{ set: mir('a', '192.0.2.2') }] });
    await store.record({ mirrors: [{ del: 'a' }] });
    await store.close();
    const lines = fs.readFileSync(state('changes.journal'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(Object.keys(JSON.parse(lines[0])), ['subscribers', 'mirrors']);
    assert.deepEqual(Object.keys(JSON.parse(lines[2])), ['mirrors']);
    const loaded = new StateStore(dir).load();
    assert.deepEqual(loaded.subscribers, [sub('a', '192.0.2.2')]);
    assert.deepEqual(loaded.mirrors, []);
    assert.equal(fs.statSync(state('changes.journal')).mode & 0o777, 0o600);
  });

  it('a torn last line (a crash mid-append) is dropped whole, for both tables, and cut off the file', async () => {
    const store = new StateStore(dir);
    store.load();
    await store.record({ subscribers: [{ set: sub('a', '192.0.2.1') }], mirrors: [{ set: mir('a', '192.0.2.1') }] });
    await store.close();
    const good = fs.readFileSync(state('changes.journal'), 'utf8');
    // the next line, both rows of an address change, cut after the subscriber's
    fs.appendFileSync(state('changes.journal'), `{"subscribers":[{"set":${JSON.stringify(sub('a', '192.0.2.9'))}}],"mirrors":[{"set":{"acctSess`);
    const loaded = new StateStore(dir).load();
    assert.deepEqual(loaded.subscribers, [sub('a', '192.0.2.1')], 'the subscriber row of the torn line is not taken');
    assert.deepEqual(loaded.mirrors, [mir('a', '192.0.2.1')]);
    assert.equal(fs.readFileSync(state('changes.journal'), 'utf8'), good);
  });

  it('a bad line before the last stops the load, naming the file and line', async () => {
    const store = new StateStore(dir);
    store.load();
    await store.record({ subscribers: [{ set: sub('a', '192.0.2.1') }] });
    await store.close();
    fs.appendFileSync(state('changes.journal'), '[1,2]\n{"subscribers":[]}\n');
    assert.throws(() => new StateStore(dir).load(), (e: Error) => e.message === `${state('changes.journal')} line 2: not a JSON object`);
  });

  it('a directory with the per-table journals of before: read, folded into the snapshots, removed', async () => {
    fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
    fs.writeFileSync(state('subscribers.json'), JSON.stringify([sub('a', '192.0.2.1'), sub('b', '192.0.2.2')]));
    fs.writeFileSync(state('subscribers.journal'), `${JSON.stringify({ set: sub('a', '192.0.2.5') })}\n${JSON.stringify({ del: 'b' })}\n`);
    fs.writeFileSync(state('mirrors.journal'), `${JSON.stringify({ set: mir('a', '192.0.2.5') })}\n{"set":{"acc`);
    const expected = { subscribers: [sub('a', '192.0.2.5')], mirrors: [mir('a', '192.0.2.5')] };
    assert.deepEqual(new StateStore(dir).load(), expected);
    assert.equal(fs.existsSync(state('subscribers.journal')), false);
    assert.equal(fs.existsSync(state('mirrors.journal')), false);
    assert.deepEqual(JSON.parse(fs.readFileSync(state('mirrors.json'), 'utf8')), expected.mirrors);
    const store = new StateStore(dir);
    assert.deepEqual(store.load(), expected, 'the same from the snapshots alone');
    await store.record({ mirrors: [{ del: 'a' }] });
    await store.close();
    assert.deepEqual(new StateStore(dir).load().mirrors, []);
  });

  it('the fold at load removes the per-table journals before it empties the one journal (a crash between them brought back a mirror stopped since)', () => {
    // a directory whose fold was put off by a full file system, and a mirror stopped since (in the one journal)
    fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
    fs.writeFileSync(state('mirrors.journal'), `${JSON.stringify({ set: mir('a', '192.0.2.5') })}\n`);
    fs.writeFileSync(state('changes.journal'), `${JSON.stringify({ mirrors: [{ del: 'a' }] })}\n`);
    // the start crashes where the per-table journals are removed
    // the module itself (the store's import reads it at each call)
    const nodeFs = require('fs') as { rmSync: typeof fs.rmSync };
    const rmSync = nodeFs.rmSync;
    nodeFs.rmSync = (() => {
      throw new Error('crash');
    }) as typeof fs.rmSync;
    try {
      assert.throws(() => new StateStore(dir).load(), /crash/);
    } finally {
      nodeFs.rmSync = rmSync;
    }
    assert.deepEqual(new StateStore(dir).load().mirrors, []);
  });

  it('a fold writes both snapshots and empties the journal', async () => {
    const store = new StateStore(dir);
    store.load();
    const subs = new Map<string, Subscriber>();
    const mirs = new Map<string, MirrorSession>();
    store.attach({ subscribers: () => [...subs.values()], mirrors: () => [...mirs.values()], size: (t) => (t === 'subscribers' ? subs.size : mirs.size) });
    for (let i = 0; i < 1100; i++) {
      const s = sub(`s${i % 3}`, `192.0.2.${i % 200}`);
      subs.set(s.acctSessionId, s);
      const m = mir(`s${i % 3}`, `192.0.2.${i % 200}`);
      mirs.set(m.acctSessionId, m);
      await store.record({ subscribers: [{ set: s }], mirrors: i % 2 ? [{ set: m }] : [] });
      if (i % 2 === 0) mirs.delete(m.acctSessionId);
      if (i % 2 === 0) await store.record({ mirrors: [{ del: m.acctSessionId }] });
    }
    await store.close();
    const lines = fs.readFileSync(state('changes.journal'), 'utf8').split('\n').filter(Boolean).length;
    assert.ok(lines < 1024, `folded: ${lines} lines left`);
    const loaded = new StateStore(dir).load();
    assert.deepEqual(loaded.subscribers.sort((a, b) => a.acctSessionId.localeCompare(b.acctSessionId)), [...subs.values()].sort((a, b) => a.acctSessionId.localeCompare(b.acctSessionId)));
    assert.deepEqual(loaded.mirrors.map((m) => m.acctSessionId).sort(), [...mirs.keys()].sort());
  });

  it('a snapshot of both tables is of one instant: a mirror started while the first is written is in neither (its own write decides)', async () => {
    const store = new StateStore(dir);
    store.load();
    const subs = new Map([['a', sub('a', '192.0.2.1')]]);
    const mirs = new Map<string, MirrorSession>();
    let started: Promise<void> | undefined;
    const subscribers = (): Subscriber[] => {
      // a CoA start handled while the snapshot is written (it awaits its own write)
      setImmediate(() => {
        mirs.set('a', mir('a', '192.0.2.1'));
        started = store.record({ mirrors: [{ set: mir('a', '192.0.2.1') }] });
      });
      return [...subs.values()];
    };
    await store.save(subscribers, () => [...mirs.values()]);
    assert.ok(started, 'the start came during the write');
    // a crash now, or its own write failing (then it is answered as failed and undone from the files): not mirrored
    assert.deepEqual(JSON.parse(fs.readFileSync(state('mirrors.json'), 'utf8')), [], 'not in the snapshot of the write it came after');
    await started;
    await store.close();
    assert.deepEqual(new StateStore(dir).load().mirrors, [mir('a', '192.0.2.1')], 'on disk once its own write is');
  });
});
