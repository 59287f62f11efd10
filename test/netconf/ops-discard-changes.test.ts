import assert from 'node:assert/strict';
import { unknownParam, startAgent, Harness, assertOk, errorOf, editConfig, cos, klass, classNames } from './agent-harness';

describe('netconf ops: discard-changes (RFC 6241 8.3.4.2)', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  it('an unknown parameter is unknown-element and discards nothing (App. A)', async () => {
    const a = await h.connect();
    await a.rpc('<discard-changes/>');
    assertOk(await a.rpc(editConfig('candidate', cos(klass('keep', 3)))));
    unknownParam(await a.rpc('<discard-changes><all/></discard-changes>'), 'all');
    assert.ok((await classNames(a, 'candidate')).includes('keep'));
    assertOk(await a.rpc('<discard-changes/>'));
  });

  it('resets the candidate to running; the candidate is shared by sessions', async () => {
    const a = await h.connect();
    const b = await h.connect();
    assertOk(await a.rpc(editConfig('running', cos(klass('r', 1)))));
    assertOk(await a.rpc(editConfig('candidate', cos(klass('c', 2)))));
    assert.deepEqual(await classNames(b, 'candidate'), ['r', 'c'], 'b sees a\'s candidate change');
    assertOk(await b.rpc('<discard-changes/>'));
    assert.deepEqual(await classNames(a, 'candidate'), ['r']);
    assert.deepEqual(await classNames(a), ['r']);
    // after a discard the candidate is clean: it can be locked
    assertOk(await a.rpc('<lock><target><candidate/></target></lock>'));
    assert.equal(errorOf(await b.rpc('<discard-changes/>')).tag, 'in-use');
  });
});
