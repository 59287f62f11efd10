/**
 * with-defaults basic mode explicit (RFC 6243 2.3): a leaf the client sets
 * to its schema default is explicit data and is kept (running, running.xml,
 * a restart), and deleting such a leaf removes it, also when the edit
 * changes nothing else (audit item 1: both were acknowledged and lost).
 * wd:default in edit-config and copy-config content (RFC 6243 section 6's
 * attribute; this server supports report-all-tagged): a node tagged "true"
 * is a default, not explicitly set.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { NetconfClient } from '../../src/netconf/client';
import type { ChangeSet } from '../../src/datastore';
import { startAgent, Harness, assertOk, dataOf, editConfig, errorOf, getConfig, ACC, IF, NC, NOTIF, WD } from './agent-harness';

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

describe('netconf: wd:default in edit-config and copy-config content (RFC 6243, report-all-tagged supported)', function () {
  this.timeout(40000);
  const WDA = 'urn:ietf:params:xml:ns:netconf:default:1.0';
  /** the access container with the nc: and wd: prefixes declared */
  const acc = (inner: string): string => `<access xmlns="${ACC}" xmlns:nc="${NC}" xmlns:wd="${WDA}">${inner}</access>`;
  const port = (v: string | number, attrs: string) => `<radius-disconnect-port ${attrs}>${v}</radius-disconnect-port>`;
  let h: Harness;
  let c: NetconfClient;
  /** set radius-disconnect-port explicitly to its default (3799) in running */
  const setExplicit = async (): Promise<void> => {
    assertOk(await c.rpc(editConfig('running', acc(port(3799, '')))));
    assert.match(await accessOf(c, 'running'), /<radius-disconnect-port>3799</);
  };
  before(async () => {
    h = await startAgent();
    c = await h.connect();
  });
  after(() => h.stop());

  it('merge or replace of a leaf tagged wd:default="true" (or "1") makes it a default again: no longer explicit, nor in running.xml', async () => {
    for (const content of [
      acc(port(3799, 'wd:default="true"')),
      acc(port(3799, 'wd:default="1"')),
      acc(port(3799, 'wd:default=" true "')),
      acc(port(3799, 'wd:default="true" nc:operation="replace"')),
      `<access xmlns="${ACC}" xmlns:nc="${NC}" xmlns:wd="${WDA}" nc:operation="replace">${port(3799, 'wd:default="true"')}</access>`,
    ]) {
      await setExplicit();
      assertOk(await c.rpc(editConfig('running', content)));
      assert.doesNotMatch(await accessOf(c, 'running'), /radius-disconnect-port/, content);
      assert.match(await accessOf(c, 'running', 'report-all-tagged'), /<radius-disconnect-port [^>]*:default="true"[^>]*>3799</);
      assert.doesNotMatch(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), /radius-disconnect-port/);
    }
    // a default only: nothing to do, and no error
    assertOk(await c.rpc(editConfig('running', acc(port(3799, 'wd:default="true"')))));
    assert.doesNotMatch(await accessOf(c, 'running'), /radius-disconnect-port/);
    // "false" or "0": an ordinary leaf, set explicitly
    assertOk(await c.rpc(editConfig('running', acc(port(3799, 'wd:default="false"')))));
    assert.match(await accessOf(c, 'running'), /<radius-disconnect-port>3799</);
    assertOk(await c.rpc(editConfig('running', acc(port(3799, 'nc:operation="delete"')))));
    assertOk(await c.rpc(editConfig('running', acc(port(3799, 'wd:default="0"')))));
    assert.match(await accessOf(c, 'running'), /<radius-disconnect-port>3799</);
  });

  it('create of a tagged leaf: no error over a default (it stays one), data-exists over an explicit leaf; delete is as for any leaf', async () => {
    assertOk(await c.rpc(editConfig('running', acc(port(3799, 'nc:operation="delete"')))));
    assertOk(await c.rpc(editConfig('running', acc(port(3799, 'wd:default="true" nc:operation="create"')))));
    assert.doesNotMatch(await accessOf(c, 'running'), /radius-disconnect-port/);
    const del = errorOf(await c.rpc(editConfig('running', acc(port(3799, 'wd:default="true" nc:operation="delete"')))));
    assert.equal(del.tag, 'data-missing');
    await setExplicit();
    const e = errorOf(await c.rpc(editConfig('running', acc(port(3799, 'wd:default="true" nc:operation="create"')))));
    assert.equal(e.tag, 'data-exists');
    assert.match(await accessOf(c, 'running'), /<radius-disconnect-port>3799</);
    assertOk(await c.rpc(editConfig('running', acc(port(3799, 'wd:default="true" nc:operation="delete"')))));
    assert.doesNotMatch(await accessOf(c, 'running'), /radius-disconnect-port/);
  });

  it('a tagged leaf in a new list entry: the entry is made, the leaf left to its default; under default-operation none it makes nothing', async () => {
    const itf = (name: string, more: string) =>
      `<interfaces xmlns="${IF}" xmlns:wd="${WDA}"><interface><name>${name}</name>${more}</interface></interfaces>`;
    const type = '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:tunnel</type>';
    assertOk(await c.rpc(editConfig('candidate', itf('vt7', `${type}<enabled wd:default="true">true</enabled>`))));
    const d = dataOf(await c.rpc(getConfig('candidate', `<interfaces xmlns="${IF}"/>`)));
    assert.match(d, /<name>vt7<\/name>/);
    assert.doesNotMatch(d, /<enabled>/);
    assert.match(dataOf(await c.rpc(getConfig('candidate', `<interfaces xmlns="${IF}"/>`, wd('report-all')))), /<enabled>true<\/enabled>/);
    const none = errorOf(await c.rpc(editConfig('candidate', itf('vt8', '<enabled wd:default="true">true</enabled>'), '<default-operation>none</default-operation>')));
    assert.equal(none.tag, 'data-missing');
    assertOk(await c.rpc('<discard-changes/>'));
  });

  it('report-all on the candidate before any commit: the defaults of what an edit created or deleted, none where a when is false', async () => {
    const FTS = 'urn:flowtapd:yang:services';
    await setExplicit();
    assertOk(await c.rpc(editConfig('candidate', acc(port(3799, 'nc:operation="delete"')))));
    assert.match(await accessOf(c, 'candidate', 'report-all'), /<radius-disconnect-port>3799</);
    assert.doesNotMatch(await accessOf(c, 'candidate'), /radius-disconnect-port/);
    // radius-flow-tap's defaults exist only while flow-tap does (its when)
    const services = async () => dataOf(await c.rpc(getConfig('candidate', `<services xmlns="${FTS}"/>`, wd('report-all'))));
    assert.doesNotMatch(await services(), /maximum-sessions/);
    assertOk(await c.rpc(editConfig('candidate', `<services xmlns="${FTS}"><flow-tap/></services>`)));
    assert.match(await services(), /<maximum-sessions>2048<\/maximum-sessions>/);
    assertOk(await c.rpc('<discard-changes/>'));
  });

  it('refused: a value that is not the default (invalid-value), a node without a default, a value other than true/false/1/0 (bad-attribute), another attribute of the namespace (unknown-attribute)', async () => {
    await setExplicit();
    const wrong = errorOf(await c.rpc(editConfig('running', acc(port(1700, 'wd:default="true"')))));
    assert.deepEqual([wrong.type, wrong.tag], ['application', 'invalid-value']);
    assert.match(wrong.path ?? '', /radius-disconnect-port$/);
    assert.match(wrong.message, /not the schema default/);
    // no schema default: a key, a leaf without one, a container
    const client = '<radius-client><address wd:default="true">192.0.2.1</address><secret>s</secret></radius-client>';
    for (const content of [client, '<nas-identifier wd:default="true">x</nas-identifier>']) {
      const e = errorOf(await c.rpc(editConfig('running', acc(content))));
      assert.equal(e.tag, 'invalid-value', content);
      assert.match(e.message, /has no schema default/, content);
    }
    const cont = errorOf(await c.rpc(editConfig('running', `<access xmlns="${ACC}" xmlns:wd="${WDA}" wd:default="true"/>`)));
    assert.equal(cont.tag, 'invalid-value');
    for (const v of ['TRUE', 'yes', '']) {
      const e = errorOf(await c.rpc(editConfig('running', acc(port(3799, `wd:default="${v}"`)))));
      assert.deepEqual([e.type, e.tag, e.info['bad-attribute'], e.info['bad-element']], ['protocol', 'bad-attribute', 'default', 'radius-disconnect-port'], v);
    }
    const other = errorOf(await c.rpc(editConfig('running', acc(port(3799, 'wd:dflt="true"')))));
    assert.deepEqual([other.tag, other.info['bad-attribute'], other.info['bad-element']], ['unknown-attribute', 'dflt', 'radius-disconnect-port']);
    // nothing was changed by any of them
    assert.match(await accessOf(c, 'running'), /<radius-disconnect-port>3799</);
  });

  /** the leaves of a reply, sorted (a default comes back at the end of its parent's children: the order of leaves is free) */
  const leaves = (d: string): string[] => [...d.matchAll(/<([\w-]+)(?: [^>]*)?>([^<]*)<\/\1>/g)].map((m) => `${m[1]}=${m[2]}`).sort();

  it('a report-all-tagged reply sent back (edit-config merge, copy-config) is accepted: its tagged nodes are defaults, the rest as it was', async () => {
    await setExplicit();
    assertOk(await c.rpc(editConfig('running', acc('<event-timestamp-window>30</event-timestamp-window>'))));
    const tagged = dataOf(await c.rpc(getConfig('running', '', wd('report-all-tagged'))));
    assert.match(tagged, /<radius-disconnect-port [^>]*default="true"[^>]*>3799</);
    const all = dataOf(await c.rpc(getConfig('running', '', wd('report-all'))));
    // inline copy-config into the candidate: the same configuration, the explicit 3799 now a default
    assertOk(await c.rpc(`<copy-config><target><candidate/></target><source><config>${tagged}</config></source></copy-config>`));
    assert.deepEqual(leaves(dataOf(await c.rpc(getConfig('candidate', '', wd('report-all'))))), leaves(all));
    const cand = await accessOf(c, 'candidate');
    assert.doesNotMatch(cand, /radius-disconnect-port|radius-accounting-port/);
    assert.match(cand, /<event-timestamp-window>30</);
    assertOk(await c.rpc('<discard-changes/>'));
    // merged into running: the same
    assertOk(await c.rpc(editConfig('running', tagged)));
    assert.deepEqual(leaves(dataOf(await c.rpc(getConfig('running', '', wd('report-all'))))), leaves(all));
    assert.doesNotMatch(await accessOf(c, 'running'), /radius-disconnect-port/);
  });

  it('copy-config (and validate) of an inline config: a tagged node with another value is invalid-value, another wd attribute unknown-attribute; <with-defaults> is checked, then leaves a datastore target as the source is', async () => {
    const copy = (content: string, extra = '') => `<copy-config><target><candidate/></target><source><config>${content}</config></source>${extra}</copy-config>`;
    const wrong = errorOf(await c.rpc(copy(acc(port(1700, 'wd:default="true"')))));
    assert.equal(wrong.tag, 'invalid-value');
    assert.match(wrong.path ?? '', /radius-disconnect-port$/);
    const other = errorOf(await c.rpc(copy(acc(port(3799, 'wd:dflt="true"')))));
    assert.equal(other.tag, 'unknown-attribute');
    const bad = errorOf(await c.rpc(copy(acc(port(3799, 'wd:default="maybe"')))));
    assert.equal(bad.tag, 'bad-attribute');
    // <validate> of an inline <config> takes it as copy-config does
    const validate = (content: string) => `<validate><source><config>${content}</config></source></validate>`;
    assert.equal(errorOf(await c.rpc(validate(acc(port(1700, 'wd:default="true"'))))).tag, 'invalid-value');
    assertOk(await c.rpc(validate(acc(port(3799, 'wd:default="true"')))));
    const mode = errorOf(await c.rpc(`<copy-config><target><candidate/></target><source><running/></source>${wd('everything')}</copy-config>`));
    assert.deepEqual([mode.type, mode.tag, mode.info['bad-element']], ['protocol', 'invalid-value', 'with-defaults']);
    assertOk(await c.rpc(`<copy-config><target><candidate/></target><source><running/></source>${wd('report-all')}</copy-config>`));
    assert.equal(await accessOf(c, 'candidate'), await accessOf(c, 'running'), 'no default became explicit');
    assert.doesNotMatch(await accessOf(c, 'candidate'), /radius-accounting-port/);
  });
});

