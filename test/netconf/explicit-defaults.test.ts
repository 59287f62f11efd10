/**
 * with-defaults basic mode explicit (RFC 6243 2.3): a leaf the client sets
 * to its schema default is explicit data and is kept (running, running.xml,
 * a restart), and deleting such a leaf removes it, also when the edit
 * changes nothing else (audit item 1: both were acknowledged and lost).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { NetconfClient } from '../../src/netconf/client';
import type { ChangeSet } from '../../src/datastore';
import { startAgent, Harness, assertOk, dataOf, editConfig, getConfig, ACC, NC, NOTIF, WD } from './agent-harness';

const access = (inner: string): string => `<access xmlns="${ACC}" xmlns:nc="${NC}">${inner}</access>`;
const wd = (mode: string): string => `<with-defaults xmlns="${WD}">${mode}</with-defaults>`;
/** the access container of a datastore, with-defaults `mode` */
const accessOf = async (c: NetconfClient, src: string, mode = 'explicit'): Promise<string> => dataOf(await c.rpc(getConfig(src, `<access xmlns="${ACC}"/>`, wd(mode))));
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('netconf: a leaf set to its default value (with-defaults basic mode explicit, RFC 6243 2.3)', function () {
  this.timeout(40000);
  let h: Harness;
  let c: NetconfClient;
  /** the change sets of the commits, as an applier sees them */
  let seen: ChangeSet[];
  /** calls of the RADIUS listeners' prepare (a commit that changes their ports) */
  let radiusPrepares: number;
  const watch = (): void => {
    seen = [];
    radiusPrepares = 0;
    h.agent.ds.register({ name: 'test-watch', prepare: (cs) => {
        seen.push(cs);
        return null;
      },
    });
    const radius = h.agent.radius!;
    const prepare = radius.prepare.bind(radius);
    radius.prepare = (cfg) => {
      radiusPrepares++;
      return prepare(cfg);
    };
  };
  before(async () => {
    h = await startAgent();
    watch();
    c = await h.connect();
  });
  after(() => h.stop());

  it('set to its default by edit-config on running: stored, reported explicit, in running.xml and the event, kept over a restart; no RADIUS work', async () => {
    assert.doesNotMatch(await accessOf(c, 'running'), /radius-accounting-port/, 'not set at the start');
    const w = await h.connect();
    assertOk(await w.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
    const event = w.nextNotification('netconf-config-change');
    assertOk(await c.rpc(editConfig('running', access('<radius-accounting-port>1813</radius-accounting-port>'))));
    assert.match(await accessOf(c, 'running'), /<radius-accounting-port>1813<\/radius-accounting-port>/);
    assert.match(await accessOf(c, 'candidate'), /<radius-accounting-port>1813</, 'the candidate follows running');
    assert.match(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), /<radius-accounting-port>1813<\/radius-accounting-port>/);
    // the change reaches the appliers marked as explicitness only, and the listeners are not re-prepared
    const cs = seen[seen.length - 1];
    assert.deepEqual(
      cs.changes.map((x) => [x.op, x.path, x.explicitOnly]),
      [['create', '/flowtapd-access:access/radius-accounting-port', true]],
    );
    assert.equal(radiusPrepares, 0);
    // RFC 6470: the edit is reported
    assert.match(await event, /<edit><target[^>]*>\/[\w-]+:access\/[\w-]+:radius-accounting-port<\/target><operation>create<\/operation><\/edit>/);

    await h.restart();
    watch();
    c = await h.connect();
    assert.match(await accessOf(c, 'running'), /<radius-accounting-port>1813<\/radius-accounting-port>/, 'read back from running.xml');
  });

  it('an explicit leaf holding the default, deleted in the candidate and committed: gone from running, running.xml and over a restart, reported as a delete', async () => {
    assertOk(await c.rpc(editConfig('candidate', access('<radius-disconnect-port>3799</radius-disconnect-port>'))));
    assertOk(await c.rpc('<commit/>'));
    assert.match(await accessOf(c, 'running'), /<radius-disconnect-port>3799</);
    assert.match(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), /<radius-disconnect-port>3799</);
    await nextTurn(); // the replaced tree becomes the twin: the next edit's copy

    const w = await h.connect();
    assertOk(await w.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
    const event = w.nextNotification('netconf-config-change');
    assertOk(await c.rpc(editConfig('candidate', access('<radius-disconnect-port nc:operation="delete"/>'))));
    assert.doesNotMatch(await accessOf(c, 'candidate'), /radius-disconnect-port/);
    assertOk(await c.rpc('<commit/>'));
    assert.match(await event, /<edit><target[^>]*>\/[\w-]+:access\/[\w-]+:radius-disconnect-port<\/target><operation>delete<\/operation><\/edit>/);
    assert.doesNotMatch(await accessOf(c, 'running'), /radius-disconnect-port/);
    assert.match(await accessOf(c, 'running', 'report-all-tagged'), /<radius-disconnect-port [^>]*:default="true"[^>]*>3799</);
    assert.doesNotMatch(await accessOf(c, 'candidate'), /radius-disconnect-port/);
    assert.doesNotMatch(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), /radius-disconnect-port/);
    assert.deepEqual(
      seen[seen.length - 1].changes.map((x) => [x.op, x.path, x.explicitOnly]),
      [['delete', '/flowtapd-access:access/radius-disconnect-port', true]],
    );
    assert.equal(radiusPrepares, 0);

    // the twin (the tree this commit replaced, caught up) carries the flag: a later edit of
    // something else neither brings the setting back nor loses the other one
    await nextTurn();
    assertOk(await c.rpc(editConfig('candidate', access('<event-timestamp-window>30</event-timestamp-window>'))));
    assertOk(await c.rpc('<commit/>'));
    const a = await accessOf(c, 'running');
    assert.doesNotMatch(a, /radius-disconnect-port/);
    assert.match(a, /<radius-accounting-port>1813</);
    assert.deepEqual(
      seen[seen.length - 1].changes.map((x) => [x.op, x.path]),
      [['modify', '/flowtapd-access:access/event-timestamp-window']],
    );

    await h.restart();
    c = await h.connect();
    const b = await accessOf(c, 'running');
    assert.doesNotMatch(b, /radius-disconnect-port/, 'read back from running.xml');
    assert.match(b, /<radius-accounting-port>1813</);
  });
});
