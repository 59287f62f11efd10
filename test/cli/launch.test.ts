/**
 * The launcher carries the agent's node flags on its first line
 * (`#!/usr/bin/env -S node FLAGS`): npm start and the demo run
 * bin/flowtapd.js itself, the systemd unit names node with the same flags.
 */
import { strict as assert } from 'assert';
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { radiusOn } from './radius-ports';

const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'flowtapd.js');

describe('cli: the launcher and how the agent is started', () => {
  it('bin/flowtapd.js runs as it is, with node and the young generation flag on its first line', () => {
    assert.match(fs.readFileSync(bin, 'utf8').split('\n', 1)[0], /^#!\/usr\/bin\/env -S node .*--min-semi-space-size=16\b/);
    assert.ok((fs.statSync(bin).mode & 0o111) !== 0, 'executable');
    assert.match(execFileSync(bin, ['--help'], { encoding: 'utf8' }), /flowtapd --data-dir DIR/);
  });

  it('an agent started that way runs with those flags', async () => {
    const dir = await radiusOn(fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-launch-')));
    const child = spawn(bin, ['--data-dir', dir, '--netconf-listen', '127.0.0.1:0'], {
      env: { ...process.env, FLOWTAPD_BOOTSTRAP_USER: 'a:b' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let err = '';
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('netconf-listening')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`agent exited ${code}: ${err}`)));
      });
      const argv = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      assert.ok(argv.includes('--min-semi-space-size=16'), argv.join(' '));
      assert.ok(argv.includes(bin), argv.join(' '));
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm start and the demo run bin/flowtapd.js itself; the systemd unit runs node with the same flags', () => {
    const start = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    assert.match(start, /^bin\/flowtapd\.js /);
    const flags = fs.readFileSync(bin, 'utf8').split('\n', 1)[0].replace('#!/usr/bin/env -S node ', '');
    const exec = /^ExecStart=(.*) \/opt\/flowtapd\/bin\/flowtapd\.js /m.exec(fs.readFileSync(path.join(root, 'tools', 'flowtapd.service'), 'utf8'));
    assert.equal(exec?.[1], `/usr/bin/node ${flags}`);
    const demo = fs.readFileSync(path.join(root, 'tools', 'demo.sh'), 'utf8');
    assert.match(demo, /[ =]bin\/flowtapd\.js \\/);
    assert.doesNotMatch(demo, /node bin\/flowtapd\.js/);
  });

  it('the systemd unit verifies clean (systemd-analyze)', function () {
    const r = spawnSync('systemd-analyze', ['verify', path.join(root, 'tools', 'flowtapd.service')], { encoding: 'utf8' });
    if (r.error) this.skip(); // no systemd-analyze on this machine
    assert.equal(r.status, 0, r.stderr);
    assert.equal((r.stdout + r.stderr).trim(), '');
  });

  it('the systemd unit grants CAP_NET_ADMIN, CAP_NET_RAW and CAP_NET_BIND_SERVICE only, with no way to gain more', () => {
    const unit = fs.readFileSync(path.join(root, 'tools', 'flowtapd.service'), 'utf8');
    const set = (key: string): string[] => unit.match(new RegExp(`^${key}=(.*)$`, 'gm'))!.flatMap((l) => l.split('=')[1].trim().split(/\s+/)).sort();
    const want = ['CAP_NET_ADMIN', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'];
    assert.deepEqual(set('CapabilityBoundingSet'), want);
    assert.deepEqual(set('AmbientCapabilities'), want);
    for (const on of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'DevicePolicy=closed', 'DeviceAllow=/dev/net/tun rw', 'RestrictSUIDSGID=yes']) {
      assert.match(unit, new RegExp(`^${on}$`, 'm'));
    }
    // that the agent works with those: test/examples runs it under setpriv with the same sets
  });

  it('the systemd unit leaves /proc/sys visible and writable (the pool members\' disable_ipv6)', () => {
    const unit = fs.readFileSync(path.join(root, 'tools', 'flowtapd.service'), 'utf8');
    assert.match(unit, /^ProtectKernelTunables=no$/m);
    // ProcSubset=pid mounts a /proc without /proc/sys
    assert.doesNotMatch(unit, /^ProcSubset=pid$/m);
  });
});
