import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { verifyPassword } from '../../src/auth';
import { NetconfClient } from '../../src/netconf/client';
import { startAgent, Harness, assertOk, errorOf, editConfig, getConfig, dataOf, SYS } from './agent-harness';

const user = (name: string, pw: string, attrs = '') => `<system xmlns="${SYS}"><authentication><user${attrs}><name>${name}</name><password>${pw}</password></user></authentication></system>`;

describe('agent: ietf-system $0$ cleartext passwords are stored hashed', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  const storedHash = async (c: NetconfClient, name: string, src = 'running') => {
    const d = dataOf(await c.rpc(getConfig(src, `<system xmlns="${SYS}"><authentication><user><name>${name}</name></user></authentication></system>`)));
    return /<password>([^<]*)<\/password>/.exec(d)?.[1];
  };

  it('edit-config into the candidate: hashed there already, and in running and running.xml after commit', async () => {
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('candidate', user('bob', '$0$bob secret'))));
    const cand = await storedHash(c, 'bob', 'candidate');
    assert.match(cand!, /^\$6\$/);
    assert.ok(verifyPassword('bob secret', cand!));
    assertOk(await c.rpc('<commit/>'));
    const run = await storedHash(c, 'bob');
    assert.equal(run, cand);
    const file = fs.readFileSync(`${h.dir}/running.xml`, 'utf8');
    assert.doesNotMatch(file, /bob secret/);
    // the new user can log in with the cleartext (NACM gives bob no group; login is enough)
    const b = await NetconfClient.connect({ port: h.port, username: 'bob', password: 'bob secret' });
    assert.ok(b.sessionId > 0);
    b.destroy();
  });

  it('edit-config on running and copy-config hash too; existing hashes are kept as given', async () => {
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('running', user('carol', '$0$c4rol'))));
    const carol = await storedHash(c, 'carol');
    assert.ok(verifyPassword('c4rol', carol!));
    const given = '$5$saltsalt$NNwmuTRuukT1rrmMyu/5fDjN97xBdMmeqmQwvjb6HF8';
    assertOk(await c.rpc(editConfig('running', user('dave', given))));
    assert.equal(await storedHash(c, 'dave'), given);
    const running = dataOf(await c.rpc(getConfig('running')));
    assertOk(await c.rpc(`<copy-config><target><startup/></target><source><config>${running.replace(/<\/authentication>/, '<user><name>erin</name><password>$0$erin pw</password></user></authentication>')}</config></source></copy-config>`));
    const erin = await storedHash(c, 'erin', 'startup');
    assert.ok(verifyPassword('erin pw', erin!));
    assert.doesNotMatch(fs.readFileSync(`${h.dir}/startup.xml`, 'utf8'), /erin pw/);
  });

  it('a value that is neither $0$ nor a crypt hash is refused with invalid-value', async () => {
    const c = await h.connect();
    const e = errorOf(await c.rpc(editConfig('candidate', user('mallory', 'plaintext'))));
    assert.equal(e.tag, 'invalid-value');
    assert.match(e.path ?? '', /password/);
  });
});
