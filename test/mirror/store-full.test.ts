/**
 * The mirror state store on a full file system (a small tmpfs, as root): a
 * journal append or a snapshot that cannot be written rejects and leaves
 * the files as they were (no torn line for the next append to continue, no
 * temporary file); later writes fail at once until recover(), which reads
 * the tables back; with room again the store goes on, and a new store loads
 * exactly what was written.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { StateStore, type MirrorSession, type Subscriber } from '../../src/mirror';
import { fill, tmpfsForSuite } from '../full-disk';

const mir = (id: string): MirrorSession => ({ acctSessionId: id, addresses: ['192.0.2.7'], handle: '0000000100000001', interceptId: 1, sessionId: 1, medIp: '198.51.100.1', medPort: 30030, tunnel: 'vt0', startTime: '2026-12-05T00:00:00.000Z' });
const sub = (i: number): Subscriber => ({ acctSessionId: `s${i}`, userName: `user-${i}-${'x'.repeat(200)}`, framedIp: `192.0.2.${i % 250}`, client: '127.0.0.1', startTime: '2026-12-05T00:00:00.000Z' });

describe('mirror state store: a full file system', function () {
  this.timeout(30000);
  const tmpfs = tmpfsForSuite('ftstore-full-', '1m');

  it('a failed append leaves no torn line; a failed snapshot no temporary; a new store loads what was written', async () => {
    const mnt = tmpfs();
    const store = new StateStore(mnt);
    store.load();
    const rows: Subscriber[] = [];
    for (let i = 0; i < 3; i++) {
      rows.push(sub(i));
      await store.record({ subscribers: [{ set: sub(i) }] });
    }
    const journal = path.join(mnt, 'state', 'changes.journal');
    const before = fs.readFileSync(journal, 'utf8');

    const filler = fill(mnt);
    // lines longer than what is left of the journal's last page: at best part of them is written
    const big = Array.from({ length: 40 }, (_x, k) => ({ set: sub(100 + k) }));
    await assert.rejects(store.record({ subscribers: big }), /ENOSPC|no space/i);
    assert.equal(fs.readFileSync(journal, 'utf8'), before, 'the journal is as it was');
    // until recover(), later writes fail at once (the caller's tables are not what the files hold)
    await assert.rejects(store.record({ subscribers: [{ set: sub(50) }] }), /ENOSPC|no space/i);
    assert.equal(fs.readFileSync(journal, 'utf8'), before);
    await store.settled();
    assert.deepEqual(store.recover().subscribers.map((s) => s.acctSessionId).sort(), ['s0', 's1', 's2'], 'recover() reads what the files hold');
    await assert.rejects(
      store.save(() => rows, () => [] as MirrorSession[]),
      /ENOSPC|no space/i,
    );
    assert.deepEqual(fs.readdirSync(path.join(mnt, 'state')).filter((f) => f.endsWith('.tmp')), [], 'no temporary left');

    fs.rmSync(filler);
    await store.settled();
    store.recover();
    rows.push(sub(3));
    await store.record({ subscribers: [{ set: sub(3) }] });
    await store.close();
    const loaded = new StateStore(mnt).load();
    assert.deepEqual(loaded.subscribers.map((s) => s.acctSessionId).sort(), ['s0', 's1', 's2', 's3'], 'exactly what was written');
  });

  it('the per-table journals of before on a full file system: the start goes on, and the first snapshot with room folds them (a mirror stopped since is not resurrected)', async () => {
    const mnt = tmpfs();
    const state = (f: string): string => path.join(mnt, 'state', f);
    fs.rmSync(path.join(mnt, 'state'), { recursive: true, force: true });
    fs.mkdirSync(path.join(mnt, 'state'));
    fs.writeFileSync(state('subscribers.json'), JSON.stringify([sub(0)]));
    fs.writeFileSync(state('mirrors.json'), '[]');
    // mirror m0 started under the agent of before
    fs.writeFileSync(state('mirrors.journal'), `${JSON.stringify({ set: mir('s0') })}\n`);
    const filler = fill(mnt);
    const store = new StateStore(mnt);
    assert.deepEqual(store.load(), { subscribers: [sub(0)], mirrors: [mir('s0')] }, 'a full file system does not stop the start');
    fs.rmSync(filler);
    // the mirror stops (acknowledged), then a snapshot of both tables empties the one journal
    await store.record({ mirrors: [{ del: 's0' }] });
    await store.save(() => [sub(0)], () => []);
    await store.close();
    assert.deepEqual(new StateStore(mnt).load(), { subscribers: [sub(0)], mirrors: [] }, 'the stopped mirror stays stopped');
    assert.equal(fs.existsSync(state('mirrors.journal')), false, 'folded by the snapshot');
  });

  it('the per-table journals folded by recover(): the open journal is emptied in place, not replaced (later appends would go to a removed file)', async () => {
    const mnt = tmpfs();
    const state = (f: string): string => path.join(mnt, 'state', f);
    fs.rmSync(path.join(mnt, 'state'), { recursive: true, force: true });
    fs.mkdirSync(path.join(mnt, 'state'));
    fs.writeFileSync(state('subscribers.journal'), `${JSON.stringify({ set: sub(0) })}\n`);
    const filler = fill(mnt);
    const store = new StateStore(mnt);
    store.load();
    fs.rmSync(filler);
    await store.record({ subscribers: [{ set: sub(1) }] }); // the one journal open, and not empty
    await store.settled();
    assert.deepEqual(store.recover().subscribers.map((s) => s.acctSessionId), ['s0', 's1']);
    assert.equal(fs.existsSync(state('subscribers.journal')), false);
    await store.record({ subscribers: [{ set: sub(2) }] });
    await store.close();
    assert.deepEqual(new StateStore(mnt).load().subscribers.map((s) => s.acctSessionId), ['s0', 's1', 's2']);
  });
});
