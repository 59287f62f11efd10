import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Agent } from '../../src/daemon/agent';
import { startAgent, Harness, assertOk, editConfig, cos, klass, classNames, newAgent } from './agent-harness';
import { freeUdpPort } from '../cli/radius-ports';

/** One agent per data directory (an flock on DIR/.lock, released however the holder ends). */
describe('agent: one agent per data directory', function () {
  this.timeout(40000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  const second = (): Agent => newAgent(h.dir);

  it('a second agent on the directory does not start, names the holder, and changes nothing', async () => {
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('running', cos(klass('held', 1)))));
    const before = fs.readFileSync(path.join(h.dir, 'running.xml'), 'utf8');
    const b = second();
    await assert.rejects(b.start(), (e: Error) => {
      assert.match(e.message, new RegExp(`^data directory ${h.dir}: in use by another flowtapd \\(pid ${process.pid}\\): .*\\.lock is locked$`));
      return true;
    });
    await b.stop();
    assert.equal(fs.readFileSync(path.join(h.dir, 'running.xml'), 'utf8'), before);
    // the first goes on as before
    assertOk(await c.rpc(editConfig('running', cos(klass('still', 2)))));
    assert.deepEqual((await classNames(c)).filter((n) => n === 'held' || n === 'still'), ['held', 'still']);
  });

  it('once the first has stopped, the directory is free', async () => {
    await h.stop(true);
    const b = second();
    await b.start();
    await b.stop();
    await h.restart();
    assert.ok((await classNames(await h.connect())).includes('still'));
  });

  it('an agent killed with SIGKILL leaves no stale lock', async () => {
    // the agent started as a process reads the directory's running.xml: RADIUS on free ports, not on
    // 3799 and 1813, which another agent on this machine may hold
    const ports = `<radius-disconnect-port>${await freeUdpPort()}</radius-disconnect-port><radius-accounting-port>${await freeUdpPort()}</radius-accounting-port>`;
    assertOk(await (await h.connect()).rpc(editConfig('running', `<access xmlns="urn:flowtapd:yang:access">${ports}</access>`)));
    await h.stop(true);
    const bin = path.join(__dirname, '..', '..', 'bin', 'flowtapd.js');
    const child = spawn(bin, ['--data-dir', h.dir, '--netconf-listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('netconf-listening')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    assert.equal(fs.readFileSync(path.join(h.dir, '.lock'), 'utf8').trim(), String(child.pid));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    await h.restart();
    assert.ok((await classNames(await h.connect())).includes('still'));
  });
});
