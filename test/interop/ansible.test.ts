import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent, Harness, dataOf, getConfig, COS } from '../netconf/agent-harness';

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, args, { timeout: 150000, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    ),
  );

/** Interop: examples/ansible/playbook.yml (Debian ansible, ansible.netcommon) against the agent. */
describe('interop: ansible (ansible.netcommon netconf_config, netconf_get, netconf_rpc)', function () {
  this.timeout(180000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  it('the example playbook edits, commits and reads back; run again, it commits nothing and passes the same checks', async () => {
    const version = (await run('ansible-playbook', ['--version'])).split('\n')[0];
    console.log(`      ${version}`);
    const inv = path.join(h.dir, 'inventory.ini');
    fs.writeFileSync(
      inv,
      `[flowtapd]\niap1 ansible_host=127.0.0.1 ansible_port=${h.port} ansible_user=admin ansible_password=pw\n\n[flowtapd:vars]\nansible_connection=ansible.netcommon.netconf\nansible_network_os=default\n`,
    );
    const playbook = (): Promise<string> =>
      run('ansible-playbook', ['-i', inv, path.join(__dirname, '../../examples/ansible/playbook.yml'), '-e', 'flowtapd_class=from-ansible'], {
        ANSIBLE_HOST_KEY_CHECKING: 'False',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_LOCAL_TEMP: path.join(h.dir, 'ansible-tmp'),
        ANSIBLE_PERSISTENT_CONTROL_PATH_DIR: path.join(h.dir, 'ansible-cp'),
      });
    const out = await playbook();
    assert.match(out, /iap1\s+: ok=5\s+changed=1\s+unreachable=0\s+failed=0/, out);
    assert.match(out, /"msg": "from-ansible: committed; validate: ok"/, out);
    // idempotent: the second identical run finds it in running, changes nothing, passes
    const again = await playbook();
    assert.match(again, /iap1\s+: ok=5\s+changed=0\s+unreachable=0\s+failed=0/, again);
    assert.match(again, /"msg": "from-ansible: already in running, nothing committed; validate: ok"/, again);
    // the agent has it in running, committed by the playbook
    const c = await h.connect();
    const d = dataOf(await c.rpc(getConfig('running', `<class-of-service xmlns="${COS}"/>`)));
    assert.match(d, /<class><name>from-ansible<\/name><queue-num>5<\/queue-num><dscp>46<\/dscp><\/class>/);
  });
});
