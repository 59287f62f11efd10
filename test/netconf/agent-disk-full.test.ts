/**
 * A full file system under the data directory (a small tmpfs, as root): a
 * commit that cannot be written fails with an rpc-error and changes
 * nothing (running, running.xml, the history, the audit log); once there is
 * room again the same candidate commits, and a restart reads it back. The
 * same for a file system remounted read-only (EROFS, as after an I/O error
 * with errors=remount-ro).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fill, tmpfsForSuite } from '../full-disk';
import { startAgent, Harness, assertOk, editConfig, cos, klass, classNames, errorOf, assertStartRefused, literal } from './agent-harness';

describe('agent: a full file system under the data directory', function () {
  this.timeout(60000);
  let h: Harness | undefined;
  const tmpfs = tmpfsForSuite('flowtapd-full-', '64m', async () => {
    await h?.stop(true).catch(() => undefined);
  });

  /** An agent on `dir` with class `name` committed; what a refused commit must leave as it was. */
  const startWithOneCommit = async (dir: string, name: string) => {
    h = await startAgent({ dir });
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('candidate', cos(klass(name, 1)))));
    assertOk(await c.rpc('<commit/>'));
    const running = fs.readFileSync(path.join(dir, 'running.xml'), 'utf8');
    const history = fs.readdirSync(path.join(dir, 'rollback')).sort();
    return { c, running, history, names: await classNames(c) };
  };

  /** class `name` edited into the candidate, its commit refused with `cause`, and nothing changed. */
  const assertCommitRefused = async (dir: string, before: Awaited<ReturnType<typeof startWithOneCommit>>, name: string, cause: RegExp): Promise<void> => {
    const { c } = before;
    assertOk(await c.rpc(editConfig('candidate', cos(klass(name, 2)))));
    const e = errorOf(await c.rpc('<commit/>'));
    assert.equal(e.tag, 'operation-failed');
    assert.match(e.message ?? '', cause);
    assert.deepEqual(await classNames(c), before.names, 'running unchanged');
    assert.ok((await classNames(c, 'candidate')).includes(name), 'the candidate keeps the edit');
    assert.equal(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), before.running, 'running.xml unchanged');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'rollback')).sort(), before.history, 'no history entry');
  };

  it('a commit that cannot be written is an rpc-error and changes nothing; with room again it commits', async () => {
    const mnt = tmpfs();
    const dir = path.join(mnt, 'data');
    const before = await startWithOneCommit(dir, 'before-full');
    const { c } = before;
    const audit = fs.readFileSync(path.join(dir, 'audit.log'), 'utf8');

    const filler = fill(mnt);
    await assertCommitRefused(dir, before, 'while-full', /ENOSPC|no space/i);
    assert.equal(fs.readFileSync(path.join(dir, 'audit.log'), 'utf8'), audit, 'nothing audited');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
    // reads go on working meanwhile
    assert.ok((await classNames(c)).includes('before-full'));
    // copy-config to startup: the same
    const startup = fs.readFileSync(path.join(dir, 'startup.xml'), 'utf8');
    const startupNames = await classNames(c, 'startup');
    const e2 = errorOf(await c.rpc('<copy-config><target><startup/></target><source><running/></source></copy-config>'));
    assert.equal(e2.tag, 'operation-failed');
    assert.equal(fs.readFileSync(path.join(dir, 'startup.xml'), 'utf8'), startup, 'startup.xml unchanged');
    assert.deepEqual(await classNames(c, 'startup'), startupNames, 'and the startup datastore');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');

    // edit-config on running with continue-on-error (a bad value beside a good one): nothing applied
    assertOk(await c.rpc('<discard-changes/>'));
    const runningXml = fs.readFileSync(path.join(dir, 'running.xml'), 'utf8');
    const runningNames = await classNames(c);
    const coe = await c.rpc(editConfig('running', cos(klass('coe-good', 3) + klass('coe-bad', 99)), '<error-option>continue-on-error</error-option>'));
    assert.match(coe, /operation-failed/);
    assert.deepEqual(await classNames(c), runningNames, 'running unchanged');
    assert.equal(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), runningXml, 'running.xml unchanged');
    // copy-config of inline content to startup (the tree gains its defaults before the write): refused as well
    const e3 = errorOf(await c.rpc(`<copy-config><target><startup/></target><source><config>${cos(klass('inline', 1))}</config></source></copy-config>`));
    assert.equal(e3.tag, 'operation-failed');
    assert.equal(fs.readFileSync(path.join(dir, 'startup.xml'), 'utf8'), startup, 'startup.xml unchanged');
    assert.deepEqual(await classNames(c, 'startup'), startupNames, 'and the startup datastore');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
    assertOk(await c.rpc(editConfig('candidate', cos(klass('while-full', 2)))));

    fs.rmSync(filler);
    assertOk(await c.rpc('<commit/>'));
    assert.ok((await classNames(c)).includes('while-full'));
    assert.match(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), /<name>while-full<\/name>/);
    await h.restart();
    assert.ok((await classNames(await h.connect())).includes('while-full'), 'read back after a restart');
  });

  it('on a file system remounted read-only a commit is an rpc-error and changes nothing; read-write again it commits', async () => {
    await h?.stop();
    const mnt = tmpfs();
    const dir = path.join(mnt, 'data-ro');
    const before = await startWithOneCommit(dir, 'before-ro');
    const { c } = before;

    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    try {
      await assertCommitRefused(dir, before, 'while-ro', /EROFS|read-only/i);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
    assertOk(await c.rpc('<commit/>'));
    const now = await classNames(c);
    assert.ok(now.includes('while-ro'));
    await h.restart();
    assert.deepEqual(await classNames(await h.connect()), now, 'read back after a restart');
  });

  it('a first start on a full file system fails with one line naming the file it could not write', async () => {
    await h?.stop();
    const mnt = tmpfs();
    const dir = path.join(mnt, 'data-first');
    fs.mkdirSync(dir);
    const filler = fill(mnt);
    try {
      // one line: . does not match a newline
      await assertStartRefused(dir, new RegExp(`^data directory ${literal(dir)}: ${literal(dir)}/[^ ]+\\.(xml|journal): ENOSPC.*$`));
    } finally {
      fs.rmSync(filler);
    }
  });

  it('a start on a full file system with a confirmed commit pending reverts it (RFC 6241 8.4.1) without needing room', async () => {
    await h?.stop();
    const mnt = tmpfs();
    const dir = path.join(mnt, 'data-confirmed');
    const before = await startWithOneCommit(dir, 'confirmed-before');
    const { c } = before;
    assertOk(await c.rpc(editConfig('candidate', cos(klass('unconfirmed', 3)))));
    assertOk(await c.rpc('<commit><confirmed/><persist>p1</persist></commit>'));
    assert.ok((await classNames(c)).includes('unconfirmed'));
    await h!.stop(true);
    const filler = fill(mnt);
    try {
      await h!.restart();
      const names = await classNames(await h!.connect());
      assert.deepEqual(names, before.names, 'the configuration before the confirmed commit');
      assert.equal(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), before.running);
      assert.equal(fs.existsSync(path.join(dir, 'confirmed-commit-rollback.xml')), false);
    } finally {
      fs.rmSync(filler);
    }
  });
});
