import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NetconfClient } from '../../src/netconf/client';
import { unknownParam, startAgent, Harness, assertOk, errorOf, dataOf, editConfig, cos, klass, COS, MON, WD, ACC, FTS } from './agent-harness';

describe('netconf ops: get (RFC 6241 7.7): running config plus state', function () {
  this.timeout(30000);
  let h: Harness;
  let c: NetconfClient;
  before(async () => {
    h = await startAgent();
    c = await h.connect();
    assertOk(await c.rpc(editConfig('running', cos(klass('be', 0)))));
  });
  after(() => h.stop());

  it('without a filter: configuration and state (netconf-state, modules-state, sessions)', async () => {
    const d = dataOf(await c.rpc('<get/>'));
    assert.match(d, /<class-of-service xmlns="urn:flowtapd:yang:class-of-service">/);
    assert.match(d, new RegExp(`<netconf-state xmlns="${MON}">`));
    assert.match(d, /<modules-state xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-library">/);
    assert.match(d, /<module-set-id>[^<]+<\/module-set-id>/);
  });

  it('state goes into copies of the containers that have it (the access-control counters): running itself never holds any', async () => {
    const NACM_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm';
    for (let i = 0; i < 2; i++) {
      const d = dataOf(await c.rpc(`<get><filter type="subtree"><nacm xmlns="${NACM_NS}"/></filter></get>`));
      assert.equal(d.match(/<denied-operations>/g)?.length, 1, 'the counters, once');
      assert.match(d, /<group><name>admin<\/name>/, 'with the configuration around them');
    }
    const cfg = dataOf(await c.rpc(`<get-config><source><running/></source><filter type="subtree"><nacm xmlns="${NACM_NS}"/></filter></get-config>`));
    assert.doesNotMatch(cfg, /denied-operations/);
    // the whole get, while a big list is configured: the list is there, and running's file after a commit has no state
    assertOk(await c.rpc(editConfig('running', cos(Array.from({ length: 2000 }, (_x, i) => klass(`g${i}`, i % 8)).join('')))));
    const all = dataOf(await c.rpc('<get/>'));
    assert.equal(all.match(/<name>g\d+<\/name>/g)?.length, 2000);
    assert.match(all, /<denied-operations>/);
    assertOk(await c.rpc(editConfig('running', cos(klass('g0', 1, undefined, ' xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="delete"')))));
    const file = fs.readFileSync(path.join(h.dir, 'running.xml'), 'utf8');
    assert.doesNotMatch(file, /<denied-operations>|<netconf-state[ >]/);
    assert.doesNotMatch(file, /<name>g0<\/name>/);
  });

  it('the radius-flow-tap state exists only while flow-tap is configured (its when "../flow-tap")', async () => {
    const services = `<get><filter type="subtree"><services xmlns="${FTS}"/></filter></get>`;
    assert.doesNotMatch(dataOf(await c.rpc('<get/>')), /<radius-flow-tap>/);
    assert.doesNotMatch(dataOf(await c.rpc(services)), /<radius-flow-tap>/);
    assertOk(await c.rpc(editConfig('running', `<services xmlns="${FTS}"><flow-tap/></services>`)));
    assert.match(dataOf(await c.rpc(services)), /<flow-tap\/><radius-flow-tap><sessions\/><status\/><tunnel-state\/><\/radius-flow-tap>/);
    assertOk(await c.rpc(editConfig('running', `<services xmlns="${FTS}" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><flow-tap nc:operation="delete"/></services>`)));
    assert.doesNotMatch(dataOf(await c.rpc(services)), /<radius-flow-tap>/);
  });

  it('a subtree filter on state data', async () => {
    const d = dataOf(await c.rpc(`<get><filter type="subtree"><netconf-state xmlns="${MON}"><sessions/></netconf-state></filter></get>`));
    assert.match(d, new RegExp(`<session><session-id>${c.sessionId}</session-id>`));
    assert.doesNotMatch(d, /<schemas>|class-of-service/);
  });

  it('the event streams (RFC 5277 3.2.5): the NETCONF stream, with replay and the time its log was created', async () => {
    const NCN = 'urn:ietf:params:xml:ns:netmod:notification';
    const d = dataOf(await c.rpc(`<get><filter type="subtree"><netconf xmlns="${NCN}"><streams/></netconf></filter></get>`));
    const m = new RegExp(
      `^<netconf xmlns="${NCN}"><streams><stream><name>NETCONF</name><description>[^<]+</description><replaySupport>true</replaySupport><replayLogCreationTime>([^<]+)</replayLogCreationTime></stream></streams></netconf>$`,
    ).exec(d);
    assert.ok(m, d);
    const created = Date.parse(m[1]);
    assert.ok(created <= Date.now() && created > Date.now() - 600_000, m[1]);
    // the same in a whole <get>
    assert.ok(dataOf(await c.rpc('<get/>')).includes(d));
  });

  it('an xpath filter mixing config and state', async () => {
    const d = dataOf(
      await c.rpc(
        `<get><filter type="xpath" xmlns:m="${MON}" xmlns:cos="${COS}" select="/m:netconf-state/m:sessions/m:session[m:session-id=${c.sessionId}]/m:username | /cos:class-of-service"/></get>`,
      ),
    );
    assert.match(d, /<username>admin<\/username>/);
    assert.match(d, /<name>be<\/name>/);
    assert.doesNotMatch(d, /<schemas>/);
  });

  it('with-defaults report-all on get shows config defaults; an unknown filter type is bad-attribute', async () => {
    const d = dataOf(await c.rpc(`<get><filter type="subtree"><access xmlns="${ACC}"/></filter><with-defaults xmlns="${WD}">report-all</with-defaults></get>`));
    assert.match(d, /<radius-disconnect-port>3799<\/radius-disconnect-port>/);
    const e = errorOf(await c.rpc('<get><filter type="regex"/></get>'));
    assert.equal(e.tag, 'bad-attribute');
    assert.equal(e.info['bad-attribute'], 'type');
  });

  it('with-defaults on state, with either filter: a counter at its schema default (0) is reported in explicit, left out in trim, tagged in report-all-tagged (RFC 6243 3.2-3.4)', async () => {
    const wd = (mode: string) => `<with-defaults xmlns="${WD}">${mode}</with-defaults>`;
    const xp = (mode: string) => `<get><filter type="xpath" xmlns:m="${MON}" select="/m:netconf-state/m:statistics/m:in-bad-hellos"/>${wd(mode)}</get>`;
    const st = (mode: string) => `<get><filter type="subtree"><netconf-state xmlns="${MON}"><statistics><in-bad-hellos/></statistics></netconf-state></filter>${wd(mode)}</get>`;
    for (const q of [xp, st]) {
      assert.equal(dataOf(await c.rpc(q('explicit'))), `<netconf-state xmlns="${MON}"><statistics><in-bad-hellos>0</in-bad-hellos></statistics></netconf-state>`);
      assert.equal(dataOf(await c.rpc(q('report-all'))), `<netconf-state xmlns="${MON}"><statistics><in-bad-hellos>0</in-bad-hellos></statistics></netconf-state>`);
      assert.equal(dataOf(await c.rpc(q('trim'))), '', q('trim'));
      assert.match(dataOf(await c.rpc(q('report-all-tagged'))), /<in-bad-hellos [^>]*:default="true"[^>]*>0</);
    }
    // a predicate on such a counter: true where it is reported
    const pred = (mode: string) => `<get><filter type="xpath" xmlns:m="${MON}" select="/m:netconf-state/m:statistics[m:in-bad-hellos=0]/m:in-sessions"/>${wd(mode)}</get>`;
    assert.match(dataOf(await c.rpc(pred('explicit'))), /<in-sessions>/);
    assert.equal(dataOf(await c.rpc(pred('trim'))), '');
  });

  it('an unknown parameter is unknown-element (App. A); with-defaults of its own namespace is a parameter', async () => {
    unknownParam(await c.rpc('<get><bogus/></get>'), 'bogus');
    const e2 = errorOf(await c.rpc('<get><source><running/></source></get>'));
    assert.deepEqual([e2.tag, e2.info['bad-element']], ['unknown-element', 'source']);
    assert.match(dataOf(await c.rpc(`<get><with-defaults xmlns="${WD}">report-all</with-defaults></get>`)), /<class-of-service /);
  });
});
