import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { unknownParam, startAgent, Harness, assertOk, errorOf, dataOf, getConfig, editConfig, cos, klass } from './agent-harness';

describe('netconf ops: delete-config (RFC 6241 7.4)', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  it('deletes startup (empty afterwards, also on disk)', async () => {
    const c = await h.connect();
    assert.match(dataOf(await c.rpc(getConfig('startup'))), /<nacm /);
    assertOk(await c.rpc('<delete-config><target><startup/></target></delete-config>'));
    assert.equal(dataOf(await c.rpc(getConfig('startup'))), '');
    assert.doesNotMatch(fs.readFileSync(`${h.dir}/startup.xml`, 'utf8'), /nacm/);
  });

  it('refuses running (operation-not-supported) and leaves it alone', async () => {
    const c = await h.connect();
    const e = errorOf(await c.rpc('<delete-config><target><running/></target></delete-config>'));
    assert.equal(e.tag, 'operation-not-supported');
    assert.equal(e.type, 'protocol');
    assert.match(dataOf(await c.rpc(getConfig('running'))), /<nacm /);
  });

  it('an unknown parameter is unknown-element and deletes nothing (App. A)', async () => {
    const c = await h.connect();
    assertOk(await c.rpc('<copy-config><target><startup/></target><source><running/></source></copy-config>'));
    unknownParam(await c.rpc('<delete-config><target><startup/></target><force/></delete-config>'), 'force');
    unknownParam(await c.rpc('<delete-config><target><startup/><force/></target></delete-config>'), 'force');
    assert.match(dataOf(await c.rpc(getConfig('startup'))), /<nacm /);
  });

  it('refuses candidate (ietf-netconf: the target is startup or url): operation-not-supported, the candidate changes are kept', async () => {
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('candidate', cos(klass('pending', 1)))));
    const e = errorOf(await c.rpc('<delete-config><target><candidate/></target></delete-config>'));
    assert.deepEqual([e.type, e.tag, e.info['bad-element']], ['protocol', 'operation-not-supported', 'candidate']);
    assert.match(dataOf(await c.rpc(getConfig('candidate'))), /<name>pending<\/name>/);
    assertOk(await c.rpc('<discard-changes/>'));
  });

  it('refuses while another session holds the startup lock', async () => {
    const a = await h.connect();
    const b = await h.connect();
    assertOk(await a.rpc('<lock><target><startup/></target></lock>'));
    const e = errorOf(await b.rpc('<delete-config><target><startup/></target></delete-config>'));
    assert.equal(e.tag, 'in-use');
    assert.equal(e.info['session-id'], String(a.sessionId));
  });
});
