import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent, Harness, dataOf, getConfig, COS, classNames, until } from '../netconf/agent-harness';

/**
 * Interop: yuma123's yangcli (Debian package yangcli) against the agent. It
 * reads the yang-library, fetches every module with get-schema and compiles
 * them with its own parser, then runs a script in batch mode.
 */
describe('interop: yangcli (yuma123)', function () {
  this.timeout(120000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  let scripts = 0;
  const yangcli = (script: string, ...extra: string[]): Promise<string> => {
    const file = path.join(h.dir, `script-${++scripts}.yc`);
    fs.writeFileSync(file, script);
    const args = ['--server=127.0.0.1', `--ncport=${h.port}`, '--user=admin', '--password=pw', '--batch-mode', `--run-script=${file}`, ...extra];
    return new Promise((resolve, reject) =>
      // yangcli keeps its history and module cache under $HOME/.yuma
      execFile('yangcli', args, { timeout: 90000, env: { ...process.env, HOME: h.dir } }, (err, stdout, stderr) =>
        err ? reject(new Error(`yangcli failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout + stderr),
      ),
    );
  };

  it('loads every module the agent announces, then locks, merges, validates, commits and reads back', async () => {
    const out = await yangcli(
      [
        'lock target=candidate',
        "merge /class-of-service/forwarding-classes/class[name='from-yangcli']/queue-num value=4",
        'validate source=candidate',
        'commit',
        'unlock target=candidate',
        'sget-config /class-of-service source=running',
        'get-schema identifier=flowtapd-services format=yang',
        '',
      ].join('\n'),
    );
    // its parser accepted each module fetched with get-schema
    assert.doesNotMatch(out, /Auto-load for module .* failed/, out);
    assert.doesNotMatch(out, /^Error:/m, out);
    assert.match(out, /Current module-set-id: \S+/);
    // lock, merge, validate, commit, unlock: five OK replies, then the data
    assert.equal((out.match(/^RPC OK Reply \d+ for session/gm) ?? []).length, 5, out);
    assert.match(out, /class from-yangcli \{\s+name from-yangcli\s+queue-num 4\s+\}/);
    assert.match(out, /data 'module flowtapd-services \{/);
    const c = await h.connect();
    assert.match(dataOf(await c.rpc(getConfig('running', `<class-of-service xmlns="${COS}"/>`))), /<name>from-yangcli<\/name><queue-num>4<\/queue-num>/);
    await c.close();
  });

  it('shows the rpc-error of a create that exists (data-exists, with its error-path)', async () => {
    const out = await yangcli("create /class-of-service/forwarding-classes/class[name='from-yangcli']/queue-num value=5\n");
    assert.match(out, /RPC Error Reply \d+ for session/);
    assert.match(out, /error-tag data-exists/);
    assert.match(out, /error-path \/ftcos:class-of-service\/ftcos:forwarding-classes\/ftcos:class\[ftcos:name='from-yangcli'\]\/ftcos:queue-num/);
  });

  it('xget /netconf/streams lists the NETCONF stream with replay (RFC 5277 3.2.5)', async () => {
    const out = await yangcli('xget /netconf/streams\n');
    assert.match(out, /stream NETCONF \{[^}]*name NETCONF[^}]*replaySupport true[^}]*replayLogCreationTime \d{4}-\d\d-\d\dT/, out);
  });

  it('compiles every module it fetched without a warning (its debug log names each one, e.g. an unused import)', async () => {
    const out = await yangcli('get-schema identifier=flowtapd-services\n', '--log-level=debug');
    for (const m of ['flowtapd-services', 'flowtapd-access', 'flowtapd-class-of-service', 'flowtapd-system']) assert.match(out, new RegExp(`Got autoload reply for '${m}'`), out.slice(0, 3000));
    const warnings = out.split('\n').filter((l) => /warning\(\d+\)|^Warning:/.test(l));
    assert.deepEqual(warnings, []);
  });

  it('commit confirmed confirm-timeout=N (offered only with :confirmed-commit:1.0): rolled back when the session ends, kept by a confirming commit', async () => {
    const out = await yangcli("merge /class-of-service/forwarding-classes/class[name='yc-unconfirmed']/queue-num value=1\ncommit confirmed confirm-timeout=120\n");
    assert.equal((out.match(/^RPC OK Reply \d+ for session/gm) ?? []).length, 2, out);
    const kept = await yangcli(
      "merge /class-of-service/forwarding-classes/class[name='yc-confirmed']/queue-num value=2\ncommit confirmed confirm-timeout=120\ncommit\n",
    );
    assert.equal((kept.match(/^RPC OK Reply \d+ for session/gm) ?? []).length, 3, kept);
    const c = await h.connect();
    // the first session's confirmed commit was rolled back when yangcli closed it (RFC 6241 8.4.1)
    await until(async () => !(await classNames(c)).includes('yc-unconfirmed'), 5000, 'the rollback');
    assert.ok((await classNames(c)).includes('yc-confirmed'));
  });

  it('create-subscription: the netconf-config-change of its own commit comes in as a notification', async () => {
    const out = await yangcli(
      ['create-subscription', "merge /class-of-service/forwarding-classes/class[name='yc-notified']/queue-num value=3", 'commit', ''].join('\n'),
    );
    assert.match(out, /Incoming notification:\s+notification \{\s+eventTime \S+\s+netconf-config-change \{[\s\S]*target \/ftcos:class-of-service\/ftcos:forwarding-classes\/ftcos:class\[ftcos:name='yc-notified'\]/, out);
  });

  it('copy-config to startup, kill-session of another session, get-config with report-all-tagged', async () => {
    const victim = await h.connect();
    const out = await yangcli(
      ['copy-config source=running target=startup', 'sget-config /class-of-service source=startup', `kill-session session-id=${victim.sessionId}`, 'get-config source=running with-defaults=report-all-tagged', ''].join('\n'),
    );
    assert.match(out, /class yc-confirmed \{/, out);
    await until(() => victim.closed, 5000, 'the killed session closing');
    // the default leaves come back, each one marked as a default
    assert.match(out, /radius-disconnect-port 3799/, out);
    assert.equal((out.match(/^RPC OK Reply \d+ for session/gm) ?? []).length, 2, out);
  });
});
