import assert from 'node:assert/strict';
import type { NetconfClient } from '../../src/netconf/client';
import { unknownParam, startAgent, Harness, assertOk, errorOf, editConfig, cos, klass, until, getConfig, dataOf } from './agent-harness';

describe('netconf ops: lock and unlock (RFC 6241 7.5, 7.6)', function () {
  this.timeout(30000);
  let h: Harness;
  let a: NetconfClient;
  let b: NetconfClient;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());
  beforeEach(async () => {
    a = await h.connect();
    b = await h.connect();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  for (const ds of ['running', 'candidate', 'startup']) {
    it(`${ds}: lock-denied for a second session, with the holder's session-id in error-info`, async () => {
      assertOk(await a.rpc(`<lock><target><${ds}/></target></lock>`));
      const e = errorOf(await b.rpc(`<lock><target><${ds}/></target></lock>`));
      assert.equal(e.tag, 'lock-denied');
      assert.equal(e.type, 'protocol');
      assert.equal(e.severity, 'error');
      assert.equal(e.info['session-id'], String(a.sessionId));
      // unlock by another session fails; by the holder succeeds; then b can lock
      assert.equal(errorOf(await b.rpc(`<unlock><target><${ds}/></target></unlock>`)).tag, 'operation-failed');
      assertOk(await a.rpc(`<unlock><target><${ds}/></target></unlock>`));
      assertOk(await b.rpc(`<lock><target><${ds}/></target></lock>`));
      assertOk(await b.rpc(`<unlock><target><${ds}/></target></unlock>`));
    });
  }

  it('edits by other sessions are in-use while locked (candidate, running, commit, discard, copy-config, delete-config)', async () => {
    assertOk(await a.rpc('<lock><target><candidate/></target></lock>'));
    assertOk(await a.rpc('<lock><target><running/></target></lock>'));
    assertOk(await a.rpc('<lock><target><startup/></target></lock>'));
    for (const op of [
      editConfig('candidate', cos(klass('x', 1))),
      editConfig('running', cos(klass('x', 1))),
      '<commit/>',
      '<discard-changes/>',
      '<copy-config><target><startup/></target><source><running/></source></copy-config>',
      '<delete-config><target><startup/></target></delete-config>',
    ]) {
      const e = errorOf(await b.rpc(op));
      assert.equal(e.tag, 'in-use', op);
      assert.equal(e.info['session-id'], String(a.sessionId), op);
    }
    // the holder can edit and commit
    assertOk(await a.rpc(editConfig('candidate', cos(klass('mine', 1)))));
    assertOk(await a.rpc('<commit/>'));
    // reading is not blocked
    assert.match(dataOf(await b.rpc(getConfig('running'))), /<name>mine<\/name>/);
  });

  it('locks are released when the holding session dies (dropped connection)', async () => {
    assertOk(await a.rpc('<lock><target><candidate/></target></lock>'));
    assertOk(await a.rpc(editConfig('candidate', cos(klass('dropped-change', 1)))));
    a.destroy();
    await until(async () => !(await b.rpc('<lock><target><candidate/></target></lock>')).includes('rpc-error'), 5000, 'lock free');
    // RFC 6241 7.5: the dead holder's uncommitted candidate changes are discarded
    assert.doesNotMatch(dataOf(await b.rpc(getConfig('candidate'))), /dropped-change/);
    assertOk(await b.rpc('<unlock><target><candidate/></target></unlock>'));
  });

  it('a lock on a dirty candidate is refused (lock-denied)', async () => {
    assertOk(await b.rpc(editConfig('candidate', cos(klass('dirty', 1)))));
    const e = errorOf(await a.rpc('<lock><target><candidate/></target></lock>'));
    assert.equal(e.tag, 'lock-denied');
    assertOk(await b.rpc('<discard-changes/>'));
    assertOk(await a.rpc('<lock><target><candidate/></target></lock>'));
  });

  it('running: the session of a pending confirmed commit may lock it, another gets lock-denied naming that session (7.5)', async () => {
    assertOk(await a.rpc(editConfig('candidate', cos(klass('tentative', 3)))));
    assertOk(await a.rpc('<commit><confirmed/><confirm-timeout>120</confirm-timeout></commit>'));
    const e = errorOf(await b.rpc('<lock><target><running/></target></lock>'));
    assert.equal(e.tag, 'lock-denied');
    assert.equal(e.info['session-id'], String(a.sessionId));
    assertOk(await a.rpc('<lock><target><running/></target></lock>'));
    assertOk(await a.rpc('<unlock><target><running/></target></unlock>'));
    assertOk(await a.rpc('<cancel-commit/>'));
    // a persistent one: its session may lock running while it is open; once it has gone, nobody may (session-id 0)
    assertOk(await a.rpc(editConfig('candidate', cos(klass('tentative', 3)))));
    assertOk(await a.rpc('<commit><confirmed/><persist>lk</persist></commit>'));
    assertOk(await a.rpc('<lock><target><running/></target></lock>'));
    assertOk(await a.rpc('<unlock><target><running/></target></unlock>'));
    await a.close();
    await until(async () => errorOf(await b.rpc('<lock><target><running/></target></lock>')).info['session-id'] === '0', 5000, 'session gone');
    assertOk(await b.rpc('<cancel-commit><persist-id>lk</persist-id></cancel-commit>'));
    assertOk(await b.rpc('<lock><target><running/></target></lock>'));
    assertOk(await b.rpc('<unlock><target><running/></target></unlock>'));
    a = await h.connect();
  });

  it('unlock of an unlocked datastore is operation-failed; an unknown target is unknown-element', async () => {
    assert.equal(errorOf(await a.rpc('<unlock><target><running/></target></unlock>')).tag, 'operation-failed');
    assert.equal(errorOf(await a.rpc('<lock><target><foo/></target></lock>')).tag, 'unknown-element');
  });

  it('an unknown parameter of lock or unlock is unknown-element and locks or unlocks nothing (App. A)', async () => {
    unknownParam(await a.rpc('<lock><target><candidate/></target><timeout>5</timeout></lock>'), 'timeout');
    unknownParam(await a.rpc('<lock><target><candidate/><all/></target></lock>'), 'all');
    assertOk(await b.rpc('<lock><target><candidate/></target></lock>'));
    unknownParam(await b.rpc('<unlock><target><candidate/></target><force/></unlock>'), 'force');
    assert.equal(errorOf(await a.rpc('<lock><target><candidate/></target></lock>')).tag, 'lock-denied', 'b still holds it');
    assertOk(await b.rpc('<unlock><target><candidate/></target></unlock>'));
  });
});
