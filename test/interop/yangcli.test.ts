import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent, Harness, dataOf, getConfig, COS } from '../netconf/agent-harness';

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

  const yangcli = (script: string): Promise<string> => {
    const file = path.join(h.dir, `script-${Date.now()}.yc`);
    fs.writeFileSync(file, script);
    const args = ['--server=127.0.0.1', `--ncport=${h.port}`, '--user=admin', '--password=pw', '--batch-mode', `--run-script=${file}`];
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
});
