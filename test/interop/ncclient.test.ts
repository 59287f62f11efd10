import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent, Harness } from '../netconf/agent-harness';

/** Interop: Debian python3-ncclient drives every base operation of the agent. */
describe('interop: ncclient', function () {
  this.timeout(120000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  it('get, get_config (subtree, xpath), lock, edit_config, validate, commit (confirmed, confirm, cancel), discard, copy/delete_config, get_schema, notifications, kill/close_session', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile('/usr/bin/python3', ['-W', 'ignore', path.join(__dirname, 'ncclient_ops.py'), String(h.port), 'admin', 'pw'], { timeout: 100000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const r = JSON.parse(out.trim().split('\n').pop()!);
    console.log(`      ncclient ${r.ncclient}: ${Object.keys(r.checks).length} checks`);
    assert.deepEqual(r.failures ?? [], []);
    assert.equal(r.ok, true);
    assert.ok(Object.keys(r.checks).length >= 17);
  });

  it('known_hosts, get_schema of every module (yanglint compiles them; the <get> and <get-config> replies are valid data), with-defaults, validate, persist/persist-id, cancel_commit, own rpcs, replay, kill_session', async () => {
    const out = path.join(h.dir, 'ncclient-more');
    fs.mkdirSync(out);
    // the agent's host keys, as ssh-keyscan would list them
    const knownHosts = path.join(out, 'known_hosts');
    const keys = path.join(h.dir, 'ssh');
    fs.writeFileSync(
      knownHosts,
      fs.readdirSync(keys).filter((f) => f.endsWith('.pub')).map((f) => `[127.0.0.1]:${h.port} ${fs.readFileSync(path.join(keys, f), 'utf8').trim()}\n`).join(''),
    );
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('/usr/bin/python3', ['-W', 'ignore', path.join(__dirname, 'ncclient_more.py'), String(h.port), 'admin', 'pw', out, knownHosts], { timeout: 100000 }, (err, so, se) =>
        err ? reject(new Error(`${err.message}\n${so}\n${se}`)) : resolve(so),
      ),
    );
    const r = JSON.parse(stdout.trim().split('\n').pop()!);
    console.log(`      ncclient ${r.ncclient}: ${Object.keys(r.checks).length} checks, ${r.modules.length} modules`);
    assert.deepEqual(r.failures ?? [], []);
    assert.equal(r.ok, true);
    // yanglint with every downloaded module, their features as yang-library lists them
    const schemas = path.join(out, 'schemas');
    const files = fs.readdirSync(schemas).map((f) => path.join(schemas, f));
    assert.equal(files.length, r.modules.length);
    const features = Object.entries(r.features as Record<string, string[]>).flatMap(([m, f]) => ['-F', `${m}:${f.join(',')}`]);
    const yanglint = (...args: string[]) => {
      const p = spawnSync('yanglint', ['-p', schemas, ...features, ...args], { encoding: 'utf8' });
      // the published ietf-netconf-notifications has a path that libyang warns about, whoever loads it
      const stderr = p.stderr.split('\n').filter((l) => l && !/"\.\.\/confirm-event"/.test(l));
      return { status: p.status, stderr };
    };
    assert.deepEqual(yanglint(...files), { status: 0, stderr: [] }, 'the modules');
    // -e: only the modules with data there (RFC 5277's notifications module has a container whose eventTime is mandatory)
    for (const f of ['get-without-flow-tap.xml', 'get.xml']) assert.deepEqual(yanglint('-e', '-t', 'data', ...files, path.join(out, f)), { status: 0, stderr: [] }, f);
    assert.deepEqual(yanglint('-t', 'config', ...files, path.join(out, 'get-config.xml')), { status: 0, stderr: [] }, 'get-config.xml');
  });
});
