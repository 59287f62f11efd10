import assert from 'node:assert/strict';
import { unknownParam, startAgent, Harness, assertOk, errorOf, until } from './agent-harness';

describe('netconf ops: close-session (RFC 6241 7.8)', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  it('replies ok, then the server ends the session and releases its locks', async () => {
    const a = await h.connect();
    const b = await h.connect();
    assertOk(await a.rpc('<lock><target><running/></target></lock>'));
    const closed = new Promise<void>((r) => a.once('close', () => r()));
    assertOk(await a.rpc('<close-session/>'));
    await closed;
    assert.equal(a.closed, true);
    await assert.rejects(a.rpc('<get/>'));
    await until(() => !h.agent.sessions().some((s) => s.id === a.sessionId), 5000, 'session gone');
    assertOk(await b.rpc('<lock><target><running/></target></lock>'));
    assertOk(await b.rpc('<unlock><target><running/></target></unlock>'));
  });

  it('pipelined RPCs after close-session are not answered; those before are', async () => {
    const a = await h.connect();
    const r1 = a.rpc('<get-config><source><running/></source></get-config>');
    const r2 = a.rpc('<close-session/>');
    const r3 = a.rpc('<get-config><source><running/></source></get-config>');
    assert.match(await r1, /<data>/);
    assertOk(await r2);
    await assert.rejects(r3);
  });

  it('an unknown parameter is unknown-element and the session stays open (App. A)', async () => {
    const a = await h.connect();
    unknownParam(await a.rpc('<close-session><now/></close-session>'), 'now');
    assert.match(await a.rpc('<get-config><source><running/></source></get-config>'), /<data>/);
    assertOk(await a.rpc('<close-session/>'));
  });
});
