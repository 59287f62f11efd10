/**
 * The commit journal (src/datastore/journal.ts): a journaled commit is on
 * disk as one record before its reply, running.xml follows without a
 * flush; a start after a crash takes the newest record when running.xml
 * (or a history entry) is behind or torn, running.xml when a barrier or a
 * checkpoint says it is complete. Crashes are simulated by leaving the
 * files as a power cut could: running.xml and the history written without
 * a flush put back to older content or cut short, a record half written.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { Datastore } from '../../src/datastore';
import { CommitJournal, recover, type JournalRecord } from '../../src/datastore/journal';
import { factoryConfig } from '../../src/daemon/factory';
import { clone, parseXml } from '../../src/yang/data';
import type { DataNode } from '../../src/yang/data/node';
import { applyEdit } from '../../src/netconf/edit';
import { loadContext } from '../../src/yang/context';
import { IMPLEMENTED_MODULES, searchPath } from '../../src/daemon/modules';
import { fill, tmpfsForSuite } from '../full-disk';

const COS = 'urn:flowtapd:yang:class-of-service';
const origin = { kind: 'netconf', user: 'admin', sessionId: 1 };

describe('commit journal: records, torn writes, wrap-around', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-journal-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (): string => path.join(dir, 'running.journal');

  it('a new journal is its size in zeros, and a record appended is read back by the next open', () => {
    const j = new CommitJournal(file(), 64 * 1024, 1);
    assert.equal(j.created, true);
    assert.equal(fs.statSync(file()).size, 64 * 1024);
    assert.deepEqual(j.records, []);
    j.append('snapshot', { text: Buffer.from('<config>one</config>\n'), historySeq: 7, time: 1234 });
    const again = new CommitJournal(file(), 64 * 1024, 1);
    assert.equal(again.created, false);
    assert.equal(again.records.length, 1);
    const [r] = again.records;
    assert.equal(r.kind, 'snapshot');
    assert.equal(r.text!.toString(), '<config>one</config>\n');
    assert.equal(r.historySeq, 7);
    assert.equal(r.time, 1234);
    assert.equal(again.newestKind, 'snapshot');
  });

  it('a file of another size: its records are read, and it is made again at the first append', () => {
    new CommitJournal(file(), 64 * 1024, 1).append('snapshot', { text: Buffer.from('x') });
    const other = new CommitJournal(file(), 128 * 1024, 1);
    assert.equal(other.created, false);
    assert.deepEqual(
      other.records.map((r) => r.text!.toString()),
      ['x'],
    );
    assert.equal(fs.statSync(file()).size, 64 * 1024, 'not made again before the start has used its records');
    other.append('checkpoint', { length: 1, crc: 0 });
    assert.equal(fs.statSync(file()).size, 128 * 1024);
    const again = new CommitJournal(file(), 128 * 1024, 1);
    assert.deepEqual(
      again.records.map((r) => r.kind),
      ['checkpoint'],
    );
    assert.equal(again.records[0].seq, 2, 'the numbers go on');
  });

  it('a symbolic link, a directory or a FIFO in its place stops the start with one line naming the file (never opened blocking)', () => {
    fs.symlinkSync(path.join(dir, 'elsewhere'), file());
    assert.throws(() => new CommitJournal(file(), 64 * 1024, 1), (e: Error) => e.message.startsWith(`${file()}: a symbolic link`) && !e.message.includes('\n'));
    fs.rmSync(file());
    fs.mkdirSync(file());
    assert.throws(() => new CommitJournal(file(), 64 * 1024, 1), (e: Error) => e.message.startsWith(`${file()}: not a regular file`));
    fs.rmdirSync(file());
    execFileSync('mkfifo', [file()]);
    assert.throws(() => new CommitJournal(file(), 64 * 1024, 1), (e: Error) => e.message.startsWith(`${file()}: not a regular file`));
  });

  it('a record torn by a power cut (its payload or its header) is not read; the one before is the newest', () => {
    const j = new CommitJournal(file(), 64 * 1024, 1);
    j.append('snapshot', { text: Buffer.from('<config>first</config>\n') });
    j.append('snapshot', { text: Buffer.from('<config>second</config>\n') });
    const fd = fs.openSync(file(), 'r+');
    fs.writeSync(fd, Buffer.from('X'), 0, 1, 4096 + 64 + 9); // a byte of the second record's payload
    fs.closeSync(fd);
    let again = new CommitJournal(file(), 64 * 1024, 1);
    assert.deepEqual(
      again.records.map((r) => r.text!.toString()),
      ['<config>first</config>\n'],
    );
    // the next record takes the torn one's place and number
    again.append('snapshot', { text: Buffer.from('<config>third</config>\n') });
    const fd2 = fs.openSync(file(), 'r+');
    fs.writeSync(fd2, Buffer.from([0xff]), 0, 1, 4096 + 12); // the third's header (its kind)
    fs.closeSync(fd2);
    again = new CommitJournal(file(), 64 * 1024, 1);
    assert.deepEqual(
      again.records.map((r) => r.text!.toString()),
      ['<config>first</config>\n'],
    );
  });

  it('a record whose fdatasync failed (EIO) is zeroed again: a start does not take a commit answered as failed; the next takes its place', () => {
    const j = new CommitJournal(file(), 64 * 1024, 1);
    j.append('snapshot', { text: Buffer.from('<config>kept</config>\n') });
    // the module itself (the journal's import reads it at each call)
    const nodeFs = require('fs') as { fdatasyncSync: typeof fs.fdatasyncSync };
    const original = nodeFs.fdatasyncSync;
    let failures = 1;
    nodeFs.fdatasyncSync = (fd: number) => {
      if (failures-- > 0) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      return original(fd);
    };
    try {
      assert.throws(() => j.append('snapshot', { text: Buffer.from('<config>failed</config>\n') }), /EIO/);
    } finally {
      nodeFs.fdatasyncSync = original;
    }
    assert.deepEqual(new CommitJournal(file(), 64 * 1024, 1).records.map((r) => r.text!.toString()), ['<config>kept</config>\n']);
    j.append('snapshot', { text: Buffer.from('<config>next</config>\n') });
    const again = new CommitJournal(file(), 64 * 1024, 1).records;
    assert.deepEqual(again.map((r) => r.text!.toString()), ['<config>kept</config>\n', '<config>next</config>\n']);
    assert.equal(again[1].seq, again[0].seq + 1);
  });

  it('records go round the file: after many, the newest is the last appended and the order holds', () => {
    const j = new CommitJournal(file(), 64 * 1024, 1); // 16 blocks
    for (let i = 1; i <= 200; i++) {
      // one, two or three blocks each
      j.append(i % 5 === 0 ? 'barrier' : 'snapshot', { text: Buffer.from(`<config>${'x'.repeat((i % 3) * 4096)}${i}</config>`), length: i, crc: i });
    }
    const again = new CommitJournal(file(), 64 * 1024, 1);
    const seqs = again.records.map((r) => r.seq);
    assert.equal(seqs[seqs.length - 1], 200);
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, `in order: ${seqs.join(',')}`);
    assert.ok(seqs.length >= 5, `several records kept: ${seqs.length}`);
    assert.equal(again.records[again.records.length - 1].kind, 'barrier');
  });

  it('a record larger than a snapshot may be is refused before anything is written', () => {
    const j = new CommitJournal(file(), 64 * 1024, 1);
    assert.equal(j.maxPayload, 7 * 4096 - 64); // (16 blocks - 2) / 2
    assert.throws(() => j.append('snapshot', { text: Buffer.alloc(j.maxPayload + 1, 0x41) }), /does not fit/);
    assert.deepEqual(new CommitJournal(file(), 64 * 1024, 1).records, []);
  });

  it('recover(): the newest snapshot, unless a barrier after it names running.xml, or a checkpoint is newest', () => {
    const text = (s: string): Buffer => Buffer.from(s);
    const snap = (seq: number, s: string): JournalRecord => ({ kind: 'snapshot', seq, length: s.length, crc: crc32(s), historySeq: seq, time: 0, text: text(s) });
    const barrier = (seq: number, s: string): JournalRecord => ({ kind: 'barrier', seq, length: s.length, crc: crc32(s), historySeq: 0, time: 0 });
    const checkpoint = (seq: number, s: string): JournalRecord => ({ kind: 'checkpoint', seq, length: s.length, crc: crc32(s), historySeq: 0, time: 0 });
    const from = (records: JournalRecord[], file: string | undefined): string => {
      const r = recover(records, file === undefined ? undefined : text(file));
      return r.from === 'file' ? 'file' : r.record.text.toString();
    };
    assert.equal(from([], 'A'), 'file');
    assert.equal(from([snap(1, 'A')], 'A'), 'file', 'running.xml holds the newest snapshot');
    assert.equal(from([snap(1, 'A'), snap(2, 'B')], 'A'), 'B', 'running.xml is behind');
    assert.equal(from([snap(1, 'A')], undefined), 'A', 'running.xml lost');
    assert.equal(from([snap(1, 'A'), barrier(2, 'LARGE')], 'LARGE'), 'file', 'the large commit renamed');
    assert.equal(from([snap(1, 'A'), barrier(2, 'LARGE')], 'torn'), 'A', 'its rename not on disk: the record before');
    assert.equal(from([snap(1, 'A'), checkpoint(2, 'A')], 'edited by hand'), 'file', 'after a checkpoint running.xml wins');
  });
});

describe('datastore: commits through the journal, and a start after a crash', function () {
  this.timeout(30000);
  const ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-journal-ds-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const open = (opts: { journalBytes?: number } = {}): { ds: Datastore; loaded: ReturnType<Datastore['load']> } => {
    const ds = new Datastore(ctx, dir, opts);
    const loaded = ds.load(factoryConfig({ user: 'admin', password: 'pw' }));
    return { ds, loaded };
  };
  const withClass = (tree: DataNode, name: string, extra = ''): DataNode => {
    const t = clone(tree);
    const xml = `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><class-of-service xmlns="${COS}"><forwarding-classes><class><name>${name}</name>${extra}</class></forwarding-classes></class-of-service></config>`;
    const r = applyEdit(t, parseXml(ctx, xml, { type: 'edit', unwrap: true }), { defaultOperation: 'merge', continueOnError: false });
    assert.equal(r.errors.length, 0);
    return t;
  };
  /** an interface with a long description: a configuration larger than a small journal's record */
  const withInterface = (tree: DataNode, name: string, chars: number): DataNode => {
    const t = clone(tree);
    const xml = `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface><name>${name}</name><description>${'d'.repeat(chars)}</description><type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type></interface></interfaces></config>`;
    const r = applyEdit(t, parseXml(ctx, xml, { type: 'edit', unwrap: true }), { defaultOperation: 'merge', continueOnError: false });
    assert.equal(r.errors.length, 0);
    return t;
  };
  const commit = (ds: Datastore, name: string, extra = ''): Promise<void> => ds.queue.run(() => ds.commitDirect(withClass(ds.get('running'), name, extra), origin));
  const running = (): string => fs.readFileSync(path.join(dir, 'running.xml'), 'utf8');
  // read with the size it was made with (another size would make it again)
  const records = (): JournalRecord[] => new CommitJournal(path.join(dir, 'running.journal'), fs.statSync(path.join(dir, 'running.journal')).size, 51).records;
  const historyFiles = (): string[] => fs.readdirSync(path.join(dir, 'rollback')).filter((f) => f.endsWith('.xml')).sort();
  const journalOf = (ds: Datastore): CommitJournal => (ds as unknown as { journal: CommitJournal }).journal;
  const has = (ds: Datastore, name: string): boolean => ds.serialise(ds.get('running')).includes(`<name>${name}</name>`);

  it('a commit: its record is the newest, running.xml holds it, the start after a clean stop checkpointed', async () => {
    const { ds } = open();
    assert.equal(records()[records().length - 1].kind, 'checkpoint', 'a start ends with a checkpoint');
    await commit(ds, 'j1');
    const newest = records()[records().length - 1];
    assert.equal(newest.kind, 'snapshot');
    assert.equal(newest.text!.toString(), running());
    assert.match(running(), /<name>j1<\/name>/);
    assert.equal(fs.readFileSync(path.join(dir, 'rollback', historyFiles().pop()!), 'utf8'), running(), 'the history entry is running.xml');
    ds.close();
    assert.equal(records()[records().length - 1].kind, 'checkpoint');
    const { ds: again, loaded } = open();
    assert.equal(loaded.journalRecovered, undefined);
    assert.ok(has(again, 'j1'));
  });

  it('a crash that lost running.xml and the history entries written without a flush: the start takes them from the journal', async () => {
    const { ds } = open();
    const factoryText = running();
    for (let i = 0; i < 5; i++) await commit(ds, `c${i}`);
    const entries = historyFiles();
    const last = running();
    // as a power cut may leave them: running.xml back to its old content, the last entries empty or gone
    fs.writeFileSync(path.join(dir, 'running.xml'), factoryText);
    fs.writeFileSync(path.join(dir, 'rollback', entries[entries.length - 1]), '');
    fs.rmSync(path.join(dir, 'rollback', entries[entries.length - 2]));
    const { ds: again, loaded } = open();
    assert.ok(loaded.journalRecovered, 'recovered');
    assert.ok(has(again, 'c4'));
    assert.equal(running(), last, 'running.xml written again');
    assert.deepEqual(historyFiles(), entries, 'the same entries');
    assert.equal(fs.readFileSync(path.join(dir, 'rollback', entries[entries.length - 1]), 'utf8'), last);
    assert.match(fs.readFileSync(path.join(dir, 'rollback', entries[entries.length - 2]), 'utf8'), /<name>c3<\/name>/);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'rollback', entries[entries.length - 2]), 'utf8'), /<name>c4<\/name>/);
    assert.equal(records()[records().length - 1].kind, 'checkpoint');
    assert.equal(journalOf(again).records.length, 0, 'the records read at the start are let go once in the files');
    // a second start changes nothing
    const { ds: third, loaded: l3 } = open();
    assert.equal(l3.journalRecovered, undefined);
    assert.ok(has(third, 'c4'));
  });

  describe('a start after a crash on a full file system', () => {
    const tmpfs = tmpfsForSuite('flowtapd-journal-full-', '32m');
    it('goes on from the journal without writing (running.xml behind, no checkpoint); a start with room writes running.xml and the history', async () => {
      fs.rmSync(dir, { recursive: true, force: true }); // the directory beforeEach made: this test's is on the tmpfs
      dir = path.join(tmpfs(), 'data');
      const { ds } = open();
      const factoryText = running();
      for (let i = 0; i < 3; i++) await commit(ds, `f${i}`);
      const entries = historyFiles();
      const last = running();
      // the crash: running.xml as it was on the disk, the newest entry lost
      fs.writeFileSync(path.join(dir, 'running.xml'), factoryText);
      fs.rmSync(path.join(dir, 'rollback', entries[entries.length - 1]));
      const filler = fill(tmpfs());
      try {
        const { ds: full, loaded } = open();
        assert.ok(loaded.journalRecovered);
        assert.match(loaded.recoveryDeferred ?? '', /ENOSPC/);
        assert.ok(has(full, 'f2'), 'running from the journal');
        assert.equal(running(), factoryText, 'running.xml not written');
        assert.notEqual(records()[records().length - 1].kind, 'checkpoint', 'no checkpoint: the journal stays the one that counts');
        assert.ok(journalOf(full).records.length > 0, 'its records kept for the checkpoint that writes them');
        // a commit meanwhile goes to the journal (its blocks exist) when its running.xml can be staged
      } finally {
        fs.rmSync(filler);
      }
      const { ds: again, loaded } = open();
      assert.equal(loaded.recoveryDeferred, undefined);
      assert.ok(has(again, 'f2'));
      assert.equal(running(), last, 'running.xml written');
      assert.deepEqual(historyFiles(), entries, 'the lost entry written');
      assert.equal(records()[records().length - 1].kind, 'checkpoint');
    });
  });

  it('a torn running.xml (cut short) after a crash is not read: the journal has the commit', async () => {
    const { ds } = open();
    await commit(ds, 'torn');
    const text = running();
    fs.truncateSync(path.join(dir, 'running.xml'), 100);
    const { ds: again } = open();
    assert.ok(has(again, 'torn'));
    assert.equal(running(), text);
  });

  it('after a clean stop, running.xml replaced by hand wins over the journal', async () => {
    const { ds } = open();
    await commit(ds, 'a');
    const withA = running();
    await commit(ds, 'b');
    ds.close();
    fs.writeFileSync(path.join(dir, 'running.xml'), withA); // an operator restoring an older configuration
    const { ds: again } = open();
    assert.ok(has(again, 'a'));
    assert.ok(!has(again, 'b'));
  });

  it('a configuration larger than a record replaces running.xml durably behind a barrier; a crash before its rename reached the disk gives the commit before', async () => {
    const { ds } = open({ journalBytes: 1024 * 1024 }); // records of at most 8 KiB - 64
    await commit(ds, 'small');
    const small = running();
    const smallTree = clone(ds.get('running'));
    await ds.queue.run(() => ds.commitDirect(withInterface(ds.get('running'), 'big39', 10000), origin));
    assert.ok(running().length > 8192);
    const rs = records();
    assert.equal(rs[rs.length - 1].kind, 'barrier');
    assert.equal(rs[rs.length - 1].length, Buffer.byteLength(running()));
    // the rename on disk: running.xml is read
    const { ds: again } = open({ journalBytes: 1024 * 1024 });
    assert.ok(has(again, 'big39'));
    // (again, as if it had crashed:) the rename lost: running.xml as before it; the barrier names other
    // content, so the snapshot before it stands
    await again.queue.run(() => again.commitDirect(withClass(smallTree, 'small2'), origin));
    const small2 = running();
    assert.equal(records()[records().length - 1].kind, 'snapshot', 'small again: journaled');
    await again.queue.run(() => again.commitDirect(withInterface(again.get('running'), 'big-again', 10000), origin));
    fs.writeFileSync(path.join(dir, 'running.xml'), small);
    const { ds: third } = open({ journalBytes: 1024 * 1024 });
    assert.ok(running() === small2, 'running.xml written again from the snapshot');
    assert.ok(has(third, 'small2') && !has(third, 'big-again'));
  });

  it('a confirmed commit pending at the crash: the start reverts to the configuration before it, not to the journal', async () => {
    const { ds } = open();
    await commit(ds, 'before');
    ds.set('candidate', withClass(ds.get('running'), 'tentative'));
    await ds.queue.run(() => ds.commit(origin, { confirmed: true, timeoutSec: 600 }));
    assert.match(running(), /tentative/);
    clearTimeout(ds.confirmed!.timer);
    const { ds: again, loaded } = open();
    assert.equal(loaded.confirmedCommitReverted, true);
    assert.ok(has(again, 'before') && !has(again, 'tentative'));
    // and a crash right after that start (no close) keeps it so: the confirm file is gone, and the
    // journal's newest snapshot (the unconfirmed commit) must not come back over running.xml
    assert.equal(fs.existsSync(path.join(dir, 'confirmed-commit-rollback.xml')), false);
    const { ds: third } = open();
    assert.ok(!has(third, 'tentative'));
  });

  it('a commit still under way when close() checkpoints (stop after its drain time) is in the journal: a power cut after it keeps it', async () => {
    const { ds } = open();
    const before = running();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    ds.register({ name: 'slow', prepare: async () => (await gate, null) });
    // the candidate's file is staged ahead (without a flush: the journal was to hold it)
    ds.set('candidate', withClass(ds.get('running'), 'late'));
    await new Promise((r) => setImmediate(r));
    const committing = ds.queue.run(() => ds.commit(origin));
    await new Promise((r) => setImmediate(r));
    ds.close(); // the agent's stop, its drain time over
    release();
    await committing; // acknowledged
    assert.match(running(), /<name>late<\/name>/);
    // a power cut: running.xml, renamed without a flush, as it was
    fs.writeFileSync(path.join(dir, 'running.xml'), before);
    const { ds: again } = open();
    assert.ok(has(again, 'late'), 'the acknowledged commit is kept');
  });

  it('the snapshots before the newest checkpoint are not made history entries again (rollback/ removed by an operator, then a crash)', async () => {
    const { ds } = open();
    for (let i = 0; i < 3; i++) await commit(ds, `old${i}`);
    ds.close();
    // README: with running.xml gone, remove rollback/ to start from startup.xml
    fs.rmSync(path.join(dir, 'running.xml'));
    fs.rmSync(path.join(dir, 'rollback'), { recursive: true });
    const { ds: fresh } = open();
    await commit(fresh, 'new1');
    await commit(fresh, 'new2');
    const entries = historyFiles();
    // a crash (no close): the start reads the journal
    const { ds: again } = open();
    assert.ok(has(again, 'new2'));
    assert.deepEqual(historyFiles(), entries, 'the same entries, none from before the removal');
    again.rollbackToCandidate(1);
    assert.match(again.serialise(again.get('candidate')), /<name>new1<\/name>/);
  });

  it('an entry pruned before a power cut that comes back (its rename to the spare lost, the spare written over) is not kept', async () => {
    const { ds } = open();
    for (let i = 0; i < 51; i++) await commit(ds, `p${i}`);
    assert.equal(historyFiles().length, 50);
    // the newest entry pruned went to the spare, which the next commit wrote over and renamed to running.xml:
    // on disk after a power cut, the pruned name back, its data the newer (or torn) configuration
    await commit(ds, 'p51');
    const gone = path.join(dir, 'rollback', `${String(Number(historyFiles()[0].slice(0, 10)) - 1).padStart(10, '0')}.xml`);
    assert.equal(fs.existsSync(gone), false);
    fs.writeFileSync(gone, running().slice(0, 200));
    const { ds: again } = open();
    assert.equal(again.history().length, 50, 'HISTORY_DEPTH entries');
    assert.equal(fs.existsSync(gone), false);
  });

  it('a crash, then a start with a journal of another size (another build): the journal\'s commits are still taken', async () => {
    const { ds } = open({ journalBytes: 1024 * 1024 });
    const before = running();
    await commit(ds, 'resized');
    fs.writeFileSync(path.join(dir, 'running.xml'), before); // the power cut
    const { ds: again, loaded } = open({ journalBytes: 2 * 1024 * 1024 });
    assert.ok(loaded.journalRecovered);
    assert.ok(has(again, 'resized'));
    assert.equal(fs.statSync(path.join(dir, 'running.journal')).size, 2 * 1024 * 1024, 'made again by the start\'s checkpoint');
    assert.equal(records()[records().length - 1].kind, 'checkpoint');
  });

  it('a journaled commit whose rename of running.xml failed stands, and the clean stop after it writes running.xml (not a checkpoint of the one before)', async () => {
    const { ds } = open();
    const runningFile = path.join(dir, 'running.xml');
    // the module itself (an import's namespace is a copy of its bindings)
    const nodeFs = require('fs') as { renameSync: typeof fs.renameSync };
    const rename = nodeFs.renameSync;
    let failed = 0;
    nodeFs.renameSync = (from, to) => {
      if (to === runningFile && !failed++) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      return rename(from, to);
    };
    try {
      await commit(ds, 'unrenamed'); // committed: its record is on disk
    } finally {
      nodeFs.renameSync = rename;
    }
    assert.equal(failed, 1);
    assert.ok(has(ds, 'unrenamed'));
    assert.doesNotMatch(running(), /unrenamed/);
    ds.close();
    const { ds: again } = open();
    assert.ok(has(again, 'unrenamed'), 'the acknowledged commit is kept');
  });

  it('without a journal (journalBytes 0) every commit replaces running.xml durably and no journal file is made', async () => {
    const { ds } = open({ journalBytes: 0 });
    await commit(ds, 'plain');
    assert.match(running(), /<name>plain<\/name>/);
    assert.equal(fs.existsSync(path.join(dir, 'running.journal')), false);
  });
});
