import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { CommitJournal } from '../../src/datastore/journal';
import { NetconfClient } from '../../src/netconf/client';
import { freeUdpPort } from '../cli/radius-ports';
import { startAgent, Harness, assertOk, editConfig, cos, klass, classNames, dataOf, getConfig, COS, assertStartRefused, literal } from './agent-harness';

describe('agent: durable running datastore', function () {
  this.timeout(40000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  it('each commit is on disk when the reply arrives (its journal record) and in running.xml; no temporary left', async () => {
    const c = await h.connect();
    const journal = path.join(h.dir, 'running.journal');
    for (let i = 0; i < 5; i++) {
      assertOk(await c.rpc(editConfig('candidate', cos(klass(`d${i}`, i)))));
      assertOk(await c.rpc('<commit/>'));
      const text = fs.readFileSync(path.join(h.dir, 'running.xml'), 'utf8');
      assert.match(text, new RegExp(`<name>d${i}</name>`));
      const records = new CommitJournal(journal, fs.statSync(journal).size, 51).records;
      const newest = records[records.length - 1];
      assert.equal(newest.kind, 'snapshot');
      assert.equal(newest.text!.toString(), text, 'the newest record is running.xml');
    }
    assert.deepEqual(fs.readdirSync(h.dir).filter((f) => f.endsWith('.tmp')), []);
    assert.equal(fs.statSync(path.join(h.dir, 'running.xml')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(journal).mode & 0o777, 0o600);
  });

  it('an agent killed with SIGKILL, its last commits not yet in running.xml on disk: the next start takes them from the journal and says so', async () => {
    await h.stop(true);
    const dir = h.dir;
    // RADIUS on free ports (another agent on this machine may hold 3799 and 1813)
    const ports = `<access xmlns="urn:flowtapd:yang:access"><radius-disconnect-port>${await freeUdpPort()}</radius-disconnect-port><radius-accounting-port>${await freeUdpPort()}</radius-accounting-port></access>`;
    await h.restart();
    let c = await h.connect();
    assertOk(await c.rpc(editConfig('running', ports)));
    await h.stop(true);
    const bin = path.join(__dirname, '..', '..', 'bin', 'flowtapd.js');
    const launch = async (): Promise<{ child: ReturnType<typeof spawn>; port: number; log: () => string }> => {
      const child = spawn(bin, ['--data-dir', dir, '--netconf-listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /"netconf-listening".*"port":(\d+)/.exec(err);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      return { child, port, log: () => err };
    };
    const first = await launch();
    c = await NetconfClient.connect({ port: first.port, username: 'admin', password: 'pw' });
    const before = fs.readFileSync(path.join(dir, 'running.xml'));
    for (const name of ['k1', 'k2']) {
      assertOk(await c.rpc(editConfig('candidate', cos(klass(name, 1)))));
      assertOk(await c.rpc('<commit/>'));
    }
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;
    c.destroy();
    // a power cut right after: running.xml (written without a flush) as it was on the disk
    fs.writeFileSync(path.join(dir, 'running.xml'), before);
    const second = await launch();
    try {
      assert.match(second.log(), /"running-recovered"/);
      const c2 = await NetconfClient.connect({ port: second.port, username: 'admin', password: 'pw' });
      const names = await classNames(c2);
      c2.destroy();
      assert.ok(names.includes('k1') && names.includes('k2'), names.join(','));
      assert.match(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), /<name>k2<\/name>/, 'running.xml written again');
    } finally {
      const gone = new Promise((r) => second.child.once('exit', r));
      second.child.kill('SIGTERM');
      await gone;
    }
    assert.doesNotMatch(second.log(), /"checkpoint-failed"/);
    await h.restart();
  });

  it('a restart reads running back (and the candidate starts from it)', async () => {
    const c = await h.connect();
    const before = await classNames(c);
    assert.ok(before.length >= 5);
    await h.restart();
    const c2 = await h.connect();
    assert.deepEqual(await classNames(c2), before);
    assert.deepEqual(await classNames(c2, 'candidate'), before);
  });

  it('a start after a lost history link records running.xml as rollback 0 (the link is not fsynced)', async () => {
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('candidate', cos(klass('lost-link', 3)))));
    assertOk(await c.rpc('<commit/>'));
    await h.stop(true);
    const hist = path.join(h.dir, 'rollback');
    const files = () => fs.readdirSync(hist).filter((f) => f.endsWith('.xml')).sort();
    const newest = files()[files().length - 1];
    // a power cut after the rename and directory fsync, before the link reached the disk
    fs.rmSync(path.join(hist, newest));
    const before = files();
    await h.restart();
    const after = files();
    assert.equal(after.length, before.length + 1, 'one entry added');
    const running = fs.readFileSync(path.join(h.dir, 'running.xml'), 'utf8');
    assert.equal(fs.readFileSync(path.join(hist, after[after.length - 1]), 'utf8'), running, 'the newest entry is running.xml');
    assert.match(running, /<name>lost-link<\/name>/);
    // an ordinary restart adds nothing
    await h.restart();
    assert.deepEqual(files(), after);
  });

  it('a corrupt running.xml makes start() fail with a message naming the file', async () => {
    await h.stop(true);
    const file = path.join(h.dir, 'running.xml');
    const good = fs.readFileSync(file, 'utf8');
    for (const bad of [good.slice(0, good.length / 2), good.replace('<queue-num>1</queue-num>', '<queue-num>300</queue-num>'), 'garbage']) {
      fs.writeFileSync(file, bad);
      await assertStartRefused(h.dir, new RegExp(literal(file)));
      assert.equal(fs.readFileSync(file, 'utf8'), bad, 'never a silent factory reset');
    }
    fs.writeFileSync(file, good);
    await h.restart();
    assert.ok((await classNames(await h.connect())).includes('d1'));
  });

  it('temporary files an agent killed mid-write left behind are removed at the next start; nothing else is', async () => {
    await h.stop(true);
    const stale = ['.startup.xml.12345.tmp', '.confirmed-commit-rollback.xml.99.tmp', '.running.xml.4242.7.tmp', 'rollback/.0000000009.xml.31337.tmp', 'state/.mirrors.json.808.tmp'];
    for (const f of stale) fs.writeFileSync(path.join(h.dir, f), 'x'.repeat(1000));
    const keep = ['startup.xml.tmp', 'notes.12.tmp', '.hidden'];
    for (const f of keep) fs.writeFileSync(path.join(h.dir, f), 'kept');
    await h.restart();
    for (const f of stale) assert.equal(fs.existsSync(path.join(h.dir, f)), false, f);
    for (const f of keep) assert.equal(fs.readFileSync(path.join(h.dir, f), 'utf8'), 'kept', f);
    for (const f of keep) fs.rmSync(path.join(h.dir, f));
    assert.ok((await classNames(await h.connect())).includes('d1'));
  });

  it('a stop while a large commit is being handled answers it first, and the commit is in running.xml', async () => {
    const c = await h.connect();
    const before = dataOf(await c.rpc(getConfig('running', cos(''))));
    const classes = /<forwarding-classes>([\s\S]*)<\/forwarding-classes>/.exec(before)?.[1] ?? '';
    const many = Array.from({ length: 30000 }, (_, i) => klass(`stop${i}`, i % 8)).join('');
    const reply = c.rpc(editConfig('running', cos(many)));
    // the request has reached the datastore's queue (parsed, its commit under way)
    const t0 = Date.now();
    while (h.agent.ds.queue.pending === 0) {
      assert.ok(Date.now() - t0 < 20000, 'the commit never started');
      await new Promise((r) => setTimeout(r, 1));
    }
    const stopped = h.agent.stop();
    assertOk(await reply);
    await stopped;
    assert.match(fs.readFileSync(path.join(h.dir, 'running.xml'), 'utf8'), /<name>stop29999<\/name>/);
    await h.restart();
    const d = await h.connect();
    assert.ok((await classNames(d)).includes('stop29999'));
    // back to the configuration the other tests expect
    assertOk(
      await d.rpc(
        editConfig('running', `<class-of-service xmlns="${COS}"><forwarding-classes xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="replace">${classes}</forwarding-classes></class-of-service>`),
      ),
    );
    assert.ok(!(await classNames(d)).includes('stop0'));
  });

  it('an empty or blank running.xml stops the start (it would have started with no users and no rules)', async () => {
    await h.stop(true);
    const file = path.join(h.dir, 'running.xml');
    const good = fs.readFileSync(file, 'utf8');
    for (const bad of ['', ' \n\t\n']) {
      fs.writeFileSync(file, bad);
      await assertStartRefused(h.dir, new RegExp(`^${literal(file)}: empty file`));
      assert.equal(fs.readFileSync(file, 'utf8'), bad, 'left as it was');
    }
    fs.writeFileSync(file, good);
    await h.restart();
    assert.ok((await classNames(await h.connect())).includes('d1'));
  });

  it('a missing running.xml with committed configurations kept stops the start; without them startup.xml is loaded', async () => {
    await h.stop(true);
    const file = path.join(h.dir, 'running.xml');
    const good = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    await assertStartRefused(h.dir, /running\.xml: missing, while .*rollback keeps \d+ committed configuration\(s\): copy the newest \(\d+\.xml\)/);
    assert.equal(fs.existsSync(file), false, 'no running.xml written from startup.xml');
    // the operator's remedy: the newest history entry is the last commit
    const hist = path.join(h.dir, 'rollback');
    const newest = fs.readdirSync(hist).sort().pop()!;
    fs.copyFileSync(path.join(hist, newest), file);
    assert.equal(fs.readFileSync(file, 'utf8'), good);
    await h.restart();
    assert.ok((await classNames(await h.connect())).includes('d1'), 'the last commit is back');
    // the other remedy: no history left, so this is a start from startup.xml
    await h.stop(true);
    fs.rmSync(file);
    fs.rmSync(hist, { recursive: true });
    await h.restart();
    assert.equal(fs.readFileSync(file, 'utf8'), fs.readFileSync(path.join(h.dir, 'startup.xml'), 'utf8'));
  });
});
