import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { lockDataDir } from '../../src/daemon/data-lock';
import { radiusOn } from './radius-ports';

const runner = path.join(__dirname, 'run-main.js');

function flowtapd(args: string[], env: Record<string, string> = {}): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', runner, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
    cwd: path.join(__dirname, '..', '..'),
  });
  return { code: r.status, stderr: r.stderr };
}

/**
 * The start's failure: stderr is JSON log lines only (`journalctl -o cat | jq`
 * reads it whole), exactly one of them the error event start-failed; its text.
 */
function startFailed(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').map((l) => {
    try {
      return JSON.parse(l) as { level: string; event: string; error?: string };
    } catch {
      throw new Error(`not a JSON log line: ${l}`);
    }
  });
  const failed = lines.filter((l) => l.event === 'start-failed');
  assert.equal(failed.length, 1, stderr);
  assert.equal(failed[0].level, 'error');
  assert.equal(lines[lines.length - 1], failed[0], 'the last line');
  return failed[0].error!;
}

describe('cli: a start that cannot work exits 1 with one log line (start-failed) saying what and where', () => {
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftd-start-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('NETCONF port in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const dir = await radiusOn(path.join(tmp, 'a'));
      const r = flowtapd(['--data-dir', dir, '--netconf-listen', `127.0.0.1:${port}`]);
      assert.equal(r.code, 1);
      // the option that chose the port, and what the system's code means
      assert.equal(startFailed(r.stderr), `--netconf-listen: cannot listen on 127.0.0.1:${port}: EADDRINUSE (another process uses that port)`);
    } finally {
      blocker.close();
    }
  });

  it('NETCONF port below 1024 without CAP_NET_BIND_SERVICE: says what it needs', async function () {
    if (process.getuid?.() !== 0 || spawnSync('sh', ['-c', 'command -v setpriv']).status !== 0) this.skip();
    const dir = await radiusOn(path.join(tmp, 'low-port'));
    // root without the capability, as under a unit that does not grant it
    const r = spawnSync('setpriv', ['--bounding-set=-net_bind_service', '--inh-caps=-net_bind_service', process.execPath, '--require', 'tsx/cjs', runner, '--data-dir', dir, '--netconf-listen', '127.0.0.1:830'], {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: path.join(__dirname, '..', '..'),
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(startFailed(r.stderr), '--netconf-listen: cannot listen on 127.0.0.1:830: EACCES (a port below 1024 needs CAP_NET_BIND_SERVICE: run as root, or under tools/flowtapd.service)');
  });

  it('RADIUS CoA/Disconnect port in use: named as RFC 5176 dynamic authorization, CoA and Disconnect', async () => {
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((r) => blocker.bind(0, '0.0.0.0', () => r()));
    const port = blocker.address().port;
    try {
      // accounting on a free port, so that only the CoA port is busy
      const dir = await radiusOn(path.join(tmp, 'coa-busy'), port);
      const r = flowtapd(['--data-dir', dir, '--netconf-listen', '127.0.0.1:0']);
      assert.equal(r.code, 1);
      // the configuration leaf to change, and its file (the agent is not running to take an edit)
      assert.equal(
        startFailed(r.stderr),
        `cannot bind the RADIUS dynamic authorization port (RFC 5176 CoA and Disconnect) ${port} on 0.0.0.0: EADDRINUSE (another process uses that port); the port is /access/radius-disconnect-port in ${dir}/running.xml`,
      );
    } finally {
      blocker.close();
    }
  });

  it('unusable data directory', () => {
    const r = flowtapd(['--data-dir', '/proc/flowtapd-test/x', '--netconf-listen', '127.0.0.1:0']);
    assert.equal(r.code, 1);
    assert.equal(startFailed(r.stderr), 'data directory /proc/flowtapd-test/x: cannot create or use it (ENOENT)');
  });

  it('a data directory that is a regular file, or under one: "not a directory", naming the file', () => {
    const file = path.join(tmp, 'plain-file');
    fs.writeFileSync(file, 'x');
    const r = flowtapd(['--data-dir', file, '--netconf-listen', '127.0.0.1:0']);
    assert.equal(r.code, 1);
    assert.equal(startFailed(r.stderr), `data directory ${file}: not a directory`);
    const under = flowtapd(['--data-dir', path.join(file, 'sub'), '--netconf-listen', '127.0.0.1:0']);
    assert.equal(under.code, 1);
    assert.equal(startFailed(under.stderr), `data directory ${file}/sub: ${file} is not a directory`);
  });

  it('corrupt running.xml: names the file, no factory reset', () => {
    const dir = path.join(tmp, 'corrupt');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'running.xml'), '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><services xmlns="urn:flowtapd:yang:services"><flow-tap>');
    const r = flowtapd(['--data-dir', dir, '--netconf-listen', '127.0.0.1:0']);
    assert.equal(r.code, 1);
    const error = startFailed(r.stderr);
    assert.match(error, new RegExp(`^${dir}/running.xml:1: malformed XML: `));
    assert.equal(error.split(`${dir}/running.xml`).length, 2, `the path once: ${error}`);
    assert.ok(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8').includes('<flow-tap>'), 'the file is left as it was');
  });

  it('a second agent on a data directory in use: the lock file and the holder\'s pid', () => {
    const dir = path.join(tmp, 'held');
    fs.mkdirSync(dir);
    const held = lockDataDir(dir);
    if (!held) return; // the native addon is not built: there is no lock
    try {
      const r = flowtapd(['--data-dir', dir, '--netconf-listen', '127.0.0.1:0']);
      assert.equal(r.code, 1);
      assert.equal(startFailed(r.stderr), `data directory ${dir}: in use by another flowtapd (pid ${process.pid}): ${dir}/.lock is locked`);
    } finally {
      held.release();
    }
  });

  it('usage errors exit 2', () => {
    assert.equal(flowtapd(['--netconf-listen', '127.0.0.1:0']).code, 2);
    assert.equal(flowtapd(['--data-dir', tmp, '--netconf-listen', 'nope']).code, 2);
    assert.equal(flowtapd(['--data-dir', tmp, '--log-level', 'loud']).code, 2);
  });

  it('a malformed FLOWTAPD_BOOTSTRAP_USER is refused on the first start', () => {
    const r = flowtapd(['--data-dir', path.join(tmp, 'boot'), '--netconf-listen', '127.0.0.1:0'], { FLOWTAPD_BOOTSTRAP_USER: 'no-colon' });
    assert.equal(r.code, 1);
    assert.match(startFailed(r.stderr), /^FLOWTAPD_BOOTSTRAP_USER must be name:password/);
  });
});

describe('cli: an exception the agent did not catch is one log line too', () => {
  for (const [what, code] of [
    ['a throw', "setTimeout(() => { throw new Error('boom\\nsecond line'); })"],
    ['a rejected promise', "void Promise.reject(new Error('boom\\nsecond line'))"],
  ] as const) {
    it(`${what}: event crashed, the message's first line, the stack in a field, exit 1`, () => {
      const script = `require('./src/cli/daemon').crashesAsLogLines(require('./src/log').createLogger('info')); ${code}`;
      const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', timeout: 60_000, cwd: path.join(__dirname, '..', '..') });
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      const rec = JSON.parse(lines[0]) as { level: string; event: string; error: string; stack: string };
      assert.deepEqual([rec.level, rec.event, rec.error], ['error', 'crashed', 'boom']);
      assert.match(rec.stack, /^Error: boom\nsecond line\n +at /);
    });
  }
});
