import assert from 'node:assert/strict';
import { unknownParam, startAgent, Harness, assertOk, errorOf, NOTIF, until } from './agent-harness';

describe('netconf ops: kill-session (RFC 6241 7.9) and netconf-session-end (RFC 6470)', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  it('kills another session, releases its lock and publishes session-end with killed-by', async () => {
    const watcher = await h.connect();
    assertOk(await watcher.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
    const a = await h.connect();
    const b = await h.connect();
    assertOk(await a.rpc('<lock><target><candidate/></target></lock>'));
    const ended = watcher.nextNotification(new RegExp(`<netconf-session-end[^>]*>.*<session-id>${a.sessionId}</session-id>`));
    const closed = new Promise<void>((r) => a.once('close', () => r()));
    assertOk(await b.rpc(`<kill-session><session-id>${a.sessionId}</session-id></kill-session>`));
    await closed;
    const n = await ended;
    assert.match(n, /<termination-reason>killed<\/termination-reason>/);
    assert.match(n, new RegExp(`<killed-by>${b.sessionId}</killed-by>`));
    assert.match(n, /<username>admin<\/username>/);
    await until(async () => !(await b.rpc('<lock><target><candidate/></target></lock>')).includes('rpc-error'), 5000, 'lock released');
  });

  it('own session, unknown session and a non-number are invalid-value', async () => {
    const a = await h.connect();
    for (const id of [String(a.sessionId), '99999', 'x']) {
      const e = errorOf(await a.rpc(`<kill-session><session-id>${id}</session-id></kill-session>`));
      assert.equal(e.tag, 'invalid-value', id);
      assert.equal(e.type, 'protocol');
    }
    assert.equal(errorOf(await a.rpc('<kill-session/>')).tag, 'missing-element');
  });

  it('an unknown parameter is unknown-element and kills nothing (App. A)', async () => {
    const a = await h.connect();
    const b = await h.connect();
    unknownParam(await a.rpc(`<kill-session><session-id>${b.sessionId}</session-id><force/></kill-session>`), 'force');
    const e2 = errorOf(await a.rpc(`<kill-session><session-id>${b.sessionId}</session-id><session-id>${b.sessionId}</session-id></kill-session>`));
    assert.deepEqual([e2.type, e2.tag, e2.info['bad-element']], ['protocol', 'bad-element', 'session-id']);
    assert.match(await b.rpc('<get-config><source><running/></source></get-config>'), /<data>/);
  });
});
