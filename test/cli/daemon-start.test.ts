import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

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

describe('cli: a start that cannot work exits non-zero with one line saying what and where', () => {
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftd-start-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('NETCONF port in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = flowtapd(['--data-dir', path.join(tmp, 'a'), '--netconf-listen', `127.0.0.1:${port}`]);
      assert.equal(r.code, 1);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('flowtapd:'));
      assert.deepEqual(lines, [`flowtapd: cannot listen on 127.0.0.1:${port}: EADDRINUSE`]);
    } finally {
      blocker.close();
    }
  });

  it('RADIUS CoA/Disconnect port in use: named as RFC 5176 dynamic authorization, CoA and Disconnect', async () => {
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((r) => blocker.bind(0, '0.0.0.0', () => r()));
    const port = blocker.address().port;
    try {
      const dir = path.join(tmp, 'coa-busy');
      fs.mkdirSync(dir);
      // accounting on a port that was free a moment ago (not 1813, which another agent may hold), so that only the CoA port is busy
      const spare = dgram.createSocket('udp4');
      await new Promise<void>((r) => spare.bind(0, '0.0.0.0', () => r()));
      const acct = spare.address().port;
      await new Promise<void>((r) => spare.close(() => r()));
      fs.writeFileSync(
        path.join(dir, 'running.xml'),
        `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><access xmlns="urn:flowtapd:yang:access"><radius-disconnect-port>${port}</radius-disconnect-port><radius-accounting-port>${acct}</radius-accounting-port></access></config>\n`,
      );
      const r = flowtapd(['--data-dir', dir, '--netconf-listen', '127.0.0.1:0']);
      assert.equal(r.code, 1);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('flowtapd:'));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], new RegExp(`cannot bind the RADIUS dynamic authorization port \\(RFC 5176 CoA and Disconnect\\) ${port} on 0\\.0\\.0\\.0: .*EADDRINUSE`));
    } finally {
      blocker.close();
    }
  });

  it('unusable data directory', () => {
    const r = flowtapd(['--data-dir', '/proc/flowtapd-test/x', '--netconf-listen', '127.0.0.1:0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^flowtapd: data directory \/proc\/flowtapd-test\/x: cannot create or use it \(ENOENT\)\n$/);
  });

  it('a data directory that is a regular file, or under one: "not a directory", naming the file', () => {
    const file = path.join(tmp, 'plain-file');
    fs.writeFileSync(file, 'x');
    const r = flowtapd(['--data-dir', file, '--netconf-listen', '127.0.0.1:0']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `flowtapd: data directory ${file}: not a directory\n`);
    const under = flowtapd(['--data-dir', path.join(file, 'sub'), '--netconf-listen', '127.0.0.1:0']);
    assert.equal(under.code, 1);
    assert.equal(under.stderr, `flowtapd: data directory ${file}/sub: ${file} is not a directory\n`);
  });

  it('corrupt running.xml: names the file, no factory reset', () => {
    const dir = path.join(tmp, 'corrupt');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'running.xml'), '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><services xmlns="urn:flowtapd:yang:services"><flow-tap>');
    const r = flowtapd(['--data-dir', dir, '--netconf-listen', '127.0.0.1:0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^flowtapd: ${dir}/running.xml:1: malformed XML: .*\\n$`));
    assert.equal(r.stderr.split(`${dir}/running.xml`).length, 2, `the path once: ${r.stderr}`);
    assert.ok(fs.readFileSync(path.join(dir, 'running.xml'), 'utf8').includes('<flow-tap>'), 'the file is left as it was');
  });

  it('usage errors exit 2', () => {
    assert.equal(flowtapd(['--netconf-listen', '127.0.0.1:0']).code, 2);
    assert.equal(flowtapd(['--data-dir', tmp, '--netconf-listen', 'nope']).code, 2);
    assert.equal(flowtapd(['--data-dir', tmp, '--log-level', 'loud']).code, 2);
  });

  it('a malformed FLOWTAPD_BOOTSTRAP_USER is refused on the first start', () => {
    const r = flowtapd(['--data-dir', path.join(tmp, 'boot'), '--netconf-listen', '127.0.0.1:0'], { FLOWTAPD_BOOTSTRAP_USER: 'no-colon' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FLOWTAPD_BOOTSTRAP_USER must be name:password/);
  });
});
