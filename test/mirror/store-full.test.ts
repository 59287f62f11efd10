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
});
