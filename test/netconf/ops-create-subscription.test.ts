import assert from 'node:assert/strict';
import { unknownParam, startAgent, Harness, assertOk, errorOf, editConfig, cos, klass, NOTIF, sleep } from './agent-harness';

const NN = 'urn:ietf:params:xml:ns:yang:ietf-netconf-notifications';

describe('netconf ops: create-subscription (RFC 5277) with RFC 6470 events', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  /** A new session subscribed from `startTime`, once its replay is complete, with every notification it got. */
  const subscribeFrom = async (startTime: string) => {
    const r = await h.connect();
    const seen: string[] = [];
    r.on('notification', (x: string) => seen.push(x));
    const done = r.nextNotification('replayComplete');
    assertOk(await r.rpc(`<create-subscription xmlns="${NOTIF}"><startTime>${startTime}</startTime></create-subscription>`));
    await done;
    return { r, seen };
  };

  /** A netconf-config-change of a commit by admin in session `sid` that created a class-of-service node. */
  const assertClassCreated = (x: string, sid: number): void => {
    assert.match(x, new RegExp(`<changed-by><username>admin</username><session-id>${sid}</session-id>`));
    assert.match(x, /<datastore>running<\/datastore>/);
    assert.match(x, /<edit><target[^>]*>[^<]*class-of-service[^<]*<\/target><operation>create<\/operation><\/edit>/);
  };

  it('a commit made while nobody is subscribed is replayed whole, changed-by included after its session closed', async () => {
    // no subscriber yet (the first test): the event is kept unbuilt and built for this replay
    const t0 = new Date(Date.now() - 1000).toISOString();
    const c = await h.connect();
    const sid = c.sessionId;
    assertOk(await c.rpc(editConfig('candidate', cos(klass('unwatched', 1)))));
    assertOk(await c.rpc('<commit/>'));
    await c.close();
    const { r, seen } = await subscribeFrom(t0);
    const x = seen.find((n) => n.includes('netconf-config-change'));
    assert.ok(x, 'the commit was replayed');
    assertClassCreated(x, sid);
    await r.close();
  });

  it('netconf-config-change after a commit, with changed-by and the edit targets', async () => {
    const w = await h.connect();
    assertOk(await w.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
    const c = await h.connect();
    const n = w.nextNotification('netconf-config-change');
    assertOk(await c.rpc(editConfig('candidate', cos(klass('notified', 2)))));
    assertOk(await c.rpc('<commit/>'));
    const x = await n;
    assert.match(x, /^<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>\d{4}-\d\d-\d\dT[\d:.]+Z<\/eventTime>/);
    assert.match(x, new RegExp(`<netconf-config-change xmlns="${NN}">`));
    assertClassCreated(x, c.sessionId);
  });

  it('netconf-session-start and netconf-session-end (closed)', async () => {
    const w = await h.connect();
    assertOk(await w.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
    const start = w.nextNotification('netconf-session-start');
    const c = await h.connect();
    assert.match(await start, new RegExp(`<session-id>${c.sessionId}</session-id>`));
    const end = w.nextNotification(new RegExp(`netconf-session-end.*<session-id>${c.sessionId}<`));
    await c.close();
    const e = await end;
    assert.match(e, /<termination-reason>closed<\/termination-reason>/);
    assert.match(e, /<source-host>127\.0\.0\.1<\/source-host>/);
  });

  it('replay with startTime: past events, then replayComplete, then live events', async () => {
    const t0 = new Date(Date.now() - 1000).toISOString();
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('running', cos(klass('before-sub', 3)))));
    const { r, seen } = await subscribeFrom(t0);
    const iReplayed = seen.findIndex((x) => x.includes('netconf-config-change') && x.includes('before-sub'));
    assert.ok(iReplayed >= 0, 'the earlier commit was replayed');
    assert.ok(iReplayed < seen.findIndex((x) => x.includes('replayComplete')));
    const live = r.nextNotification(/netconf-config-change.*after-sub/);
    assertOk(await c.rpc(editConfig('running', cos(klass('after-sub', 4)))));
    await live;
  });

  it('stopTime: replay ends with notificationComplete and the subscription ends', async () => {
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('running', cos(klass('in-window', 5)))));
    const stop = new Date(Date.now() + 300).toISOString();
    const r = await h.connect();
    const complete = r.nextNotification('notificationComplete', 5000);
    assertOk(await r.rpc(`<create-subscription xmlns="${NOTIF}"><startTime>${new Date(Date.now() - 5000).toISOString()}</startTime><stopTime>${stop}</stopTime></create-subscription>`));
    await complete;
    let after = 0;
    r.on('notification', () => after++);
    assertOk(await c.rpc(editConfig('running', cos(klass('after-stop', 6)))));
    await sleep(200);
    assert.equal(after, 0, 'nothing after notificationComplete');
    // the subscription ended: a new one is accepted on the same session
    assertOk(await r.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
  });

  it('an xpath filter lets only matching events through', async () => {
    const r = await h.connect();
    const seen: string[] = [];
    r.on('notification', (x: string) => seen.push(x));
    assertOk(await r.rpc(`<create-subscription xmlns="${NOTIF}"><filter type="xpath" xmlns:nn="${NN}" select="/nn:netconf-config-change"/></create-subscription>`));
    const c = await h.connect(); // a session-start, filtered out
    const n = r.nextNotification('netconf-config-change');
    assertOk(await c.rpc(editConfig('running', cos(klass('filtered', 7)))));
    await n;
    await c.close();
    await sleep(100);
    assert.ok(seen.length >= 1);
    assert.ok(seen.every((x) => x.includes('netconf-config-change')), seen.join('\n'));
  });

  it('an xpath filter that is not a node-set, has a syntax error or an undeclared prefix is refused at once (invalid-value, bad-attribute select; RFC 6241 8.9): no subscription is made', async () => {
    const r = await h.connect();
    for (const sel of ['1+1', 'true()', 'count(/nn:netconf-config-change)', '/nn:netconf-config-change[[', '/zz:x']) {
      const e = errorOf(await r.rpc(`<create-subscription xmlns="${NOTIF}"><filter type="xpath" xmlns:nn="${NN}" select="${sel}"/></create-subscription>`));
      assert.equal(e.tag, 'invalid-value', sel);
      assert.equal(e.type, 'protocol', `${sel}: ${JSON.stringify(e)}`);
      assert.equal(e.info['bad-attribute'], 'select');
    }
    // the session has no subscription: events do not reach it, and a valid subscription is accepted
    const seen: string[] = [];
    r.on('notification', (x: string) => seen.push(x));
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('running', cos(klass('not-a-node-set', 3)))));
    await c.close();
    await sleep(200);
    assert.deepEqual(seen, []);
    assertOk(await r.rpc(`<create-subscription xmlns="${NOTIF}"><filter type="xpath" xmlns:nn="${NN}" select="/nn:netconf-config-change"/></create-subscription>`));
  });

  it('a subtree filter; errors: second subscription in-use, startTime in the future, stopTime without startTime, unknown stream', async () => {
    const r = await h.connect();
    assertOk(await r.rpc(`<create-subscription xmlns="${NOTIF}"><filter type="subtree"><netconf-session-start xmlns="${NN}"/></filter></create-subscription>`));
    const s = r.nextNotification('netconf-session-start');
    await h.connect();
    await s;
    assert.equal(errorOf(await r.rpc(`<create-subscription xmlns="${NOTIF}"/>`)).tag, 'in-use');
    const q = await h.connect();
    const future = new Date(Date.now() + 3600_000).toISOString();
    assert.equal(errorOf(await q.rpc(`<create-subscription xmlns="${NOTIF}"><startTime>${future}</startTime></create-subscription>`)).tag, 'bad-element');
    assert.equal(errorOf(await q.rpc(`<create-subscription xmlns="${NOTIF}"><stopTime>${future}</stopTime></create-subscription>`)).tag, 'missing-element');
    assert.equal(errorOf(await q.rpc(`<create-subscription xmlns="${NOTIF}"><stream>SYSLOG</stream></create-subscription>`)).tag, 'invalid-value');
  });

  it('an unknown parameter is unknown-element and subscribes nothing (App. A)', async () => {
    const q = await h.connect();
    const past = new Date(Date.now() - 1000).toISOString();
    unknownParam(await q.rpc(`<create-subscription xmlns="${NOTIF}"><startime>${past}</startime></create-subscription>`), 'startime');
    assertOk(await q.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
  });
});
