/**
 * The replay log never lets a user count events they may not read (audit
 * item 5): with the log full of visible events, mirror-session-events and
 * LI-only commits take slots of their own, so alice's replay (no LI group)
 * is byte-identical whether or not they happened, while an LI user's replay
 * has them too. Real agent, real SSH.
 */
import assert from 'node:assert/strict';
import type { NetconfClient } from '../../src/netconf/client';
import { assertOk, editConfig, FTS, Lab, NOTIF, startLab, usersConfig } from './helpers';

const replayAll = `<create-subscription xmlns="${NOTIF}"><startTime>1970-01-01T00:00:00Z</startTime></create-subscription>`;
const sessionStart = (i: number) => ({ 'ietf-netconf-notifications:netconf-session-start': { username: `u${i}`, 'session-id': 1000 + i, 'source-host': '192.0.2.1' } });
const mirrorEvent = (i: number) => ({ 'flowtapd-services:mirror-session-event': { event: 'started', 'acct-session-id': `s${i}`, reason: 'RADIUS start' } });

describe('nacm: the replay log does not count hidden events', function () {
  this.timeout(120000);
  let lab: Lab;

  /** everything a new session of `user` gets from a full replay, up to replayComplete (its own time taken out) */
  const replay = async (user: string): Promise<string[]> => {
    const c: NetconfClient = await lab.connect(user);
    const got: string[] = [];
    const done = new Promise<void>((resolve) => {
      c.on('notification', (m: string) => {
        if (m.includes('<replayComplete')) resolve();
        else got.push(m);
      });
    });
    assertOk(await c.rpc(replayAll));
    await done;
    c.destroy();
    return got;
  };

  before(async () => {
    lab = await startLab();
    const admin = await lab.connect('admin');
    assertOk(await admin.rpc(editConfig('running', usersConfig())));
    // a full replay log of visible events (1,000)
    for (let i = 0; i < 1000; i++) lab.agent.publish(sessionStart(i));
  });

  after(async () => {
    await lab?.stop();
  });

  it("alice's replay is byte-identical before and after intercept events and an LI-only commit; the LI user's has them", async () => {
    const before = await replay('alice');
    assert.ok(before.length >= 990, `a full log: ${before.length}`);
    for (let i = 0; i < 10; i++) lab.agent.publish(mirrorEvent(i));
    const ctl = await lab.connect('ctl');
    assertOk(await ctl.rpc(editConfig('running', `<services xmlns="${FTS}"><flow-tap/></services>`)));
    ctl.destroy();
    const after = await replay('alice');
    // alice's own and ctl's sessions start/end are visible events she may see: they pushed the same number out either way
    const visibleSince = after.filter((m) => !before.includes(m)).length;
    assert.equal(after.length, before.length, 'the same number of events');
    assert.deepEqual(after.slice(0, after.length - visibleSince), before.slice(visibleSince), 'the same events, only shifted by the visible ones that came since');
    assert.ok(!after.some((m) => m.includes('mirror-session-event')));
    const tap = await replay('tap');
    assert.equal(tap.filter((m) => m.includes('mirror-session-event')).length, 10, 'flow-tap users replay the intercept events');
  });
});
