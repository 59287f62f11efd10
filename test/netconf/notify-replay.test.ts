/**
 * The notification hub's replay log (RFC 5277 section 3.2): bounded to its
 * last N events, oldest first; an event published as JSON text while no one
 * is subscribed is built only when a replay needs it, and then only once.
 */
import { strict as assert } from 'assert';
import { loadContext } from '../../src/yang/context';
import { IMPLEMENTED_MODULES, searchPath } from '../../src/daemon/modules';
import { parseJson } from '../../src/yang/data';
import { NotificationHub, type Subscription } from '../../src/netconf/notify';
import type { NetconfSession } from '../../src/netconf/transport';
import type { Access } from '../../src/nacm/access';
import type { SchemaContext } from '../../src/yang/schema';

const NN = 'ietf-netconf-notifications';

function sessionStart(id: number): string {
  return JSON.stringify({ [`${NN}:netconf-session-start`]: { username: 'u', 'session-id': id, 'source-host': '192.0.2.1' } });
}

/** a receiver that records what it is sent */
function receiver(id: number): { session: NetconfSession; sent: string[] } {
  const sent: string[] = [];
  const session = { id, closed: false, stats: { outNotifications: 0 }, send: (m: string) => void sent.push(m) } as unknown as NetconfSession;
  return { session, sent };
}

const everything = { canNotify: () => true, pruneRead: <T>(t: T) => t } as unknown as Access;

/** session-id of each event notification, and the markers, in the order sent */
function seen(sent: string[]): string[] {
  return sent.map((m) => /<session-id>(\d+)<\/session-id>/.exec(m)?.[1] ?? /<(replayComplete|notificationComplete)\b/.exec(m)?.[1] ?? '?');
}

describe('notifications: the replay log', () => {
  let ctx: SchemaContext;
  before(() => {
    ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
  });

  it('keeps the last N events in order, builds a text event only for a replay, and only once', () => {
    const built: string[] = [];
    const hub = new NotificationHub(ctx, {
      replayLimit: 3,
      fromJson: (text) => {
        built.push(text);
        return parseJson(ctx, text, { type: 'notification' });
      },
    });
    assert.equal(hub.replayLogCreated(), hub.created, 'an empty log was created with the hub');
    for (let i = 1; i <= 5; i++) hub.publishJson(sessionStart(i), i * 1000);
    assert.equal(hub.replayLogCreated().getTime(), 3000, 'the two oldest were dropped');
    assert.deepEqual(built, [], 'nothing built while no one is subscribed');

    const a = receiver(1);
    hub.subscribe({ session: a.session, access: everything, start: new Date(0), replaying: false } satisfies Subscription);
    hub.startReplay(1);
    assert.deepEqual(seen(a.sent), ['3', '4', '5', 'replayComplete']);
    assert.match(a.sent[0], /<eventTime>1970-01-01T00:00:03\.000Z<\/eventTime>/);
    assert.equal(built.length, 3);

    const b = receiver(2);
    hub.subscribe({ session: b.session, access: everything, start: new Date(3500), stop: new Date(4500), replaying: false });
    hub.startReplay(2);
    assert.deepEqual(seen(b.sent), ['4', 'replayComplete', 'notificationComplete'], 'startTime and stopTime bound the replay');
    assert.equal(built.length, 3, 'events replayed before are not built again');

    // live: delivered to the subscriber at once, and kept in the log
    hub.publishJson(sessionStart(6), 6000);
    assert.deepEqual(seen(a.sent).slice(4), ['6']);
    assert.equal(built.length, 4);
    assert.equal(hub.replayLogCreated().getTime(), 4000);
    hub.sessionGone(1);
    hub.sessionGone(2);
  });

  it('with little room for texts it keeps the newest events that fit, in order, never a gap', () => {
    const hub = new NotificationHub(ctx, { replayLimit: 40, replayBytes: 3000, fromJson: (text) => parseJson(ctx, text, { type: 'notification' }) });
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const sizes: number[] = [];
    for (let id = 1; id <= 3000; id++) {
      // user names of 1..60 characters, now and then up to 400: texts of about 100..500 bytes
      const text = JSON.stringify({ [`${NN}:netconf-session-start`]: { username: 'u'.repeat(1 + rand(rand(8) === 0 ? 400 : 60)), 'session-id': id, 'source-host': '192.0.2.1' } });
      sizes.push(Buffer.byteLength(text));
      hub.publishJson(text, id);
      if (rand(4) !== 0) continue;
      // a replay now and then (it builds what it replays: those bytes are free again)
      const r = receiver(1000 + id);
      hub.subscribe({ session: r.session, access: everything, start: new Date(0), replaying: false });
      hub.startReplay(1000 + id);
      hub.sessionGone(1000 + id);
      const ids = seen(r.sent).slice(0, -1).map(Number);
      assert.equal(ids[ids.length - 1], id, 'the newest event is kept');
      assert.deepEqual(ids, ids.map((_x, k) => ids[0] + k), 'consecutive, oldest first');
      assert.ok(ids.length <= 40);
      // at least the newest events whose texts take up to the room less two of the largest
      let room = 3000 - 2 * Math.max(...sizes);
      let fit = 0;
      for (let k = id - 1; k >= 0 && fit < 40 && (room -= sizes[k]) >= 0; k--) fit++;
      assert.ok(ids.length >= fit, `${ids.length} kept, ${fit} fit`);
      assert.equal(hub.replayLogCreated().getTime(), ids[0]);
    }
  });

  it('where the byte ring wraps, the texts left at its end go first: they are the oldest', () => {
    const hub = new NotificationHub(ctx, { replayLimit: 20, replayBytes: 2000, fromJson: (text) => parseJson(ctx, text, { type: 'notification' }) });
    const base = Buffer.byteLength(JSON.stringify({ [`${NN}:netconf-session-start`]: { username: '', 'session-id': 1, 'source-host': '192.0.2.1' } }));
    /** an event of exactly `bytes` bytes */
    const sized = (id: number, bytes: number) => JSON.stringify({ [`${NN}:netconf-session-start`]: { username: 'u'.repeat(bytes - base), 'session-id': id, 'source-host': '192.0.2.1' } });
    // 1-5 fill 0..1900; 6 wraps to 0 (1 goes); 7, 8 and 9 take 200..1600 (2, 3 and 4 go);
    // 10 (450 bytes) does not fit after 1600: it wraps, and 5 (left at 1700..1900) must go
    // before 6 and 7, at 0..700 in its way
    [500, 500, 500, 200, 200, 200, 500, 500, 400, 450].forEach((bytes, k) => hub.publishJson(sized(k + 1, bytes), k + 1));
    const r = receiver(1);
    hub.subscribe({ session: r.session, access: everything, start: new Date(0), replaying: false });
    hub.startReplay(1);
    assert.deepEqual(seen(r.sent), ['8', '9', '10', 'replayComplete']);
  });

  it('a log of size 0 keeps nothing', () => {
    const hub = new NotificationHub(ctx, { replayLimit: 0, fromJson: (text) => parseJson(ctx, text, { type: 'notification' }) });
    hub.publishJson(sessionStart(1), 1000);
    const a = receiver(1);
    hub.subscribe({ session: a.session, access: everything, start: new Date(0), replaying: false });
    hub.startReplay(1);
    assert.deepEqual(seen(a.sent), ['replayComplete']);
    assert.equal(hub.replayLogCreated(), hub.created);
  });
});
