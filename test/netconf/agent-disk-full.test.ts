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
import { fill, mountTmpfs, unmountTmpfs } from '../full-disk';
import { startAgent, Harness, assertOk, editConfig, cos, klass, classNames, errorOf } from './agent-harness';

describe('agent: a full file system under the data directory', function () {
  this.timeout(60000);
  let mnt = '';
  let h: Harness | undefined;

  before(function () {
    if (process.getuid?.() !== 0) this.skip();
    mnt = mountTmpfs('flowtapd-full-', '8m');
  });

  after(async () => {
    await h?.stop(true).catch(() => undefined);
    unmountTmpfs(mnt);
  });

  it('a commit that cannot be written is an rpc-error and changes nothing; with room again it commits', async () => {
    const dir = path.join(mnt, 'data');
    h = await startAgent({ dir });
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('candidate', cos(klass('before-full', 1)))));
    assertOk(await c.rpc('<commit/>'));
    const running = fs.readFileSync(path.join(dir, 'running.xml'), 'utf8');
    const history = fs.readdirSync(path.join(dir, 'rollback')).sort();
    const audit = fs.readFileSync(path.join(dir, 'audit.log'), 'utf8');
    const names = await classNames(c);

    const filler = fill(mnt);
    assertOk(await c.rpc(editConfig('candidate', cos(klass('while-full', 2)))));
    const e = errorOf(await c.rpc('<commit/>'));
    assert.equal(e.tag, 'operation-failed');
    assert.match(e.message ?? '', /ENOSPC|no space/i);
    assert.deepEqual(await classNames(c), names, 'running unchanged');
    assert.ok((await classNames(c, 'candidate')).includes('while-full'), 'the candidate keeps the edit');
    assert.equal(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), running, 'running.xml unchanged');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'rollback')).sort(), history, 'no history entry');
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

    fs.rmSync(filler);
    assertOk(await c.rpc('<commit/>'));
    assert.ok((await classNames(c)).includes('while-full'));
    assert.match(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), /<name>while-full<\/name>/);
    await h.restart();
    assert.ok((await classNames(await h.connect())).includes('while-full'), 'read back after a restart');
  });

  it('on a file system remounted read-only a commit is an rpc-error and changes nothing; read-write again it commits', async () => {
    await h?.stop();
    const dir = path.join(mnt, 'data-ro');
    h = await startAgent({ dir });
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('candidate', cos(klass('before-ro', 1)))));
    assertOk(await c.rpc('<commit/>'));
    const running = fs.readFileSync(path.join(dir, 'running.xml'), 'utf8');
    const history = fs.readdirSync(path.join(dir, 'rollback')).sort();
    const names = await classNames(c);

    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    try {
      assertOk(await c.rpc(editConfig('candidate', cos(klass('while-ro', 2)))));
      const e = errorOf(await c.rpc('<commit/>'));
      assert.equal(e.tag, 'operation-failed');
      assert.match(e.message ?? '', /EROFS|read-only/i);
      assert.deepEqual(await classNames(c), names, 'running unchanged');
      assert.ok((await classNames(c, 'candidate')).includes('while-ro'), 'the candidate keeps the edit');
      assert.equal(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8'), running, 'running.xml unchanged');
      assert.deepEqual(fs.readdirSync(path.join(dir, 'rollback')).sort(), history, 'no history entry');
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
    assertOk(await c.rpc('<commit/>'));
    const now = await classNames(c);
    assert.ok(now.includes('while-ro'));
    await h.restart();
    assert.deepEqual(await classNames(await h.connect()), now, 'read back after a restart');
  });
});
