import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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
});
