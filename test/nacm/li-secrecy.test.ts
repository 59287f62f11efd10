/**
 * NACM and lawful-intercept secrecy end to end: the real agent, real SSH,
 * three users as in Junos (alice: no LI group, tap: flow-tap, ctl:
 * flow-tap-control) and admin. Every path a user can learn from is
 * checked: get, get-config, both filter kinds, with-defaults, copy-config,
 * notifications (netconf-config-change contents), error contents, RPCs,
 * locks, counters and the audit logs.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NetconfClient } from '../../src/netconf/client';
import {
  ACC,
  assertOk,
  COS,
  dataOf,
  editConfig,
  errorOf,
  FTS,
  getConfig,
  Lab,
  MON,
  NACM,
  norm,
  NOTIF,
  startLab,
  subtree,
  usersConfig,
  WD,
  xpathF,
} from './helpers';

const NC = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const testOnly = '<test-option>test-only</test-option>';
const svc = (inner: string) => `<services xmlns="${FTS}" xmlns:nc="${NC}">${inner}</services>`;
const LI_CONFIG = svc('<flow-tap/><radius-flow-tap><maximum-sessions>100</maximum-sessions><policy><name>p1</name></policy></radius-flow-tap>');
const RADIUS_CLIENT = `<access xmlns="${ACC}"><radius-client><address>192.0.2.1</address><secret>s3cr3t-value</secret></radius-client></access>`;
const cos = (name: string) => `<class-of-service xmlns="${COS}"><forwarding-classes><class><name>${name}</name><queue-num>1</queue-num></class></forwarding-classes></class-of-service>`;
const subscribe = `<create-subscription xmlns="${NOTIF}"/>`;
const coe = '<error-option>continue-on-error</error-option>';
const badCos = `<class-of-service xmlns="${COS}"><forwarding-classes><class><name>be</name><queue-num>xyz</queue-num></class></forwarding-classes></class-of-service>`;
const WD_ATTR = 'urn:ietf:params:xml:ns:netconf:default:1.0';

/** Everything alice can ask that could tell whether intercepts exist. */
const PROBES: [string, string][] = [
  ['get-config running', getConfig('running')],
  ['get-config report-all', getConfig('running', '', `<with-defaults xmlns="${WD}">report-all</with-defaults>`)],
  ['get-config candidate', getConfig('candidate')],
  ['get-config report-all-tagged', getConfig('running', '', `<with-defaults xmlns="${WD}">report-all-tagged</with-defaults>`)],
  ['get services', `<get>${subtree(`<services xmlns="${FTS}"/>`)}</get>`],
  ['get flow-tap', `<get>${subtree(`<services xmlns="${FTS}"><flow-tap/></services>`)}</get>`],
  ['subtree content match', `<get>${subtree(`<services xmlns="${FTS}"><radius-flow-tap><maximum-sessions>100</maximum-sessions></radius-flow-tap></services>`)}</get>`],
  ['subtree key match', `<get-config><source><running/></source>${subtree(`<services xmlns="${FTS}"><radius-flow-tap><policy><name>p1</name></policy></radius-flow-tap></services>`)}</get-config>`],
  ['subtree sessions', `<get>${subtree(`<services xmlns="${FTS}"><radius-flow-tap><sessions/></radius-flow-tap></services>`)}</get>`],
  ['xpath services', `<get>${xpathF('/fts:services')}</get>`],
  ['xpath predicate', `<get>${xpathF('/fts:services[fts:flow-tap]')}</get>`],
  ['xpath key predicate', `<get-config><source><running/></source>${xpathF("/fts:services/fts:radius-flow-tap/fts:policy[fts:name='p1']")}</get-config>`],
  ['xpath count', `<get>${xpathF('/*[count(/fts:services/fts:radius-flow-tap/fts:policy) = 1]')}</get>`],
  ['xpath descendant', `<get>${xpathF('//fts:maximum-sessions')}</get>`],
  ['xpath access', `<get>${xpathF('/fta:access')}</get>`],
  ['get nacm', `<get>${subtree(`<nacm xmlns="${NACM}"/>`)}</get>`],
  // the history would show one more commit (the one that configured the intercept)
  ['get configuration-history', `<get>${subtree('<configuration-history xmlns="urn:flowtapd:yang:system"/>')}</get>`],
  ['create flow-tap', editConfig('running', svc('<flow-tap nc:operation="create"/>'), testOnly)],
  ['delete flow-tap', editConfig('running', svc('<flow-tap nc:operation="delete"/>'), testOnly)],
  ['remove flow-tap', editConfig('running', svc('<flow-tap nc:operation="remove"/>'), testOnly)],
  ['delete policy', editConfig('running', svc('<radius-flow-tap><policy nc:operation="delete"><name>p1</name></policy></radius-flow-tap>'), testOnly)],
  ['create policy', editConfig('candidate', svc('<radius-flow-tap><policy nc:operation="create"><name>p1</name></policy></radius-flow-tap>'), testOnly)],
  ['merge services', editConfig('running', svc(''), testOnly)],
  ['delete services', editConfig('running', svc('').replace('<services ', '<services nc:operation="delete" '), testOnly)],
  ['remove services', editConfig('running', svc('').replace('<services ', '<services nc:operation="remove" '), testOnly)],
  ['bad value', editConfig('running', svc('<radius-flow-tap><maximum-sessions>abc</maximum-sessions></radius-flow-tap>'), testOnly)],
  ['unknown element', editConfig('running', svc('<flow-tap><bogus/></flow-tap>'), testOnly)],
  ['secret write', editConfig('running', `<access xmlns="${ACC}"><radius-client><address>192.0.2.1</address><secret>x</secret></radius-client></access>`, testOnly)],
  ['clear-mirror-session', `<clear-mirror-session xmlns="${FTS}"><acct-session-id>1</acct-session-id></clear-mirror-session>`],
  ['validate running', '<validate><source><running/></source></validate>'],
  ['copy running to candidate', '<copy-config><target><candidate/></target><source><running/></source></copy-config>'],
  ['discard', '<discard-changes/>'],
  // continue-on-error: the errors the parser records (their count, order and paths) beside hidden nodes
  ['coe bad LI value', editConfig('running', svc('<radius-flow-tap><maximum-sessions>abc</maximum-sessions></radius-flow-tap>'), testOnly + coe)],
  ['coe bad LI and public values', editConfig('running', svc('<radius-flow-tap><maximum-sessions>abc</maximum-sessions><policy><name>p1</name></policy></radius-flow-tap>') + badCos, testOnly + coe)],
  ['coe public value beside LI merge', editConfig('running', badCos + svc('<flow-tap/>'), testOnly + coe)],
  ['coe unknown element in LI', editConfig('running', svc('<flow-tap><bogus/></flow-tap>') + badCos, testOnly + coe)],
  ['coe bad LI key', editConfig('running', svc('<radius-flow-tap><policy><name></name></policy><policy><name>p1</name><bogus/></policy></radius-flow-tap>'), testOnly + coe)],
  ['coe replace services', editConfig('running', svc('<radius-flow-tap nc:operation="replace"><maximum-sessions>abc</maximum-sessions></radius-flow-tap>'), testOnly + coe)],
  ['coe delete LI and bad public', editConfig('running', svc('<flow-tap nc:operation="delete"/>') + badCos, testOnly + coe)],
  // wd:default (RFC 6243) on hidden leaves
  ['wd:default LI leaf', editConfig('running', svc(`<radius-flow-tap><maximum-sessions xmlns:wd="${WD_ATTR}" wd:default="true">2048</maximum-sessions></radius-flow-tap>`), testOnly)],
  ['wd:default LI leaf not default', editConfig('running', svc(`<radius-flow-tap><maximum-sessions xmlns:wd="${WD_ATTR}" wd:default="true">7</maximum-sessions></radius-flow-tap>`), testOnly)],
  ['wd:default create LI leaf', editConfig('running', svc(`<radius-flow-tap><maximum-sessions nc:operation="create" xmlns:wd="${WD_ATTR}" wd:default="true">2048</maximum-sessions></radius-flow-tap>`), testOnly)],
  // XPath filters in each with-defaults mode
  ...(['explicit', 'trim', 'report-all', 'report-all-tagged'] as const).flatMap((m): [string, string][] => [
    [`xpath services ${m}`, `<get>${xpathF('/fts:services')}<with-defaults xmlns="${WD}">${m}</with-defaults></get>`],
    [`xpath descendant ${m}`, `<get-config><source><running/></source>${xpathF('//fts:maximum-sessions')}<with-defaults xmlns="${WD}">${m}</with-defaults></get-config>`],
    [`xpath count ${m}`, `<get>${xpathF('/fta:access[count(//fts:maximum-sessions) = 0]')}<with-defaults xmlns="${WD}">${m}</with-defaults></get>`],
    [`xpath union ${m}`, `<get>${xpathF('/fta:access | /fts:services | //fts:radius-flow-tap')}<with-defaults xmlns="${WD}">${m}</with-defaults></get>`],
    [`get ${m}`, `<get>${subtree(`<services xmlns="${FTS}"/><access xmlns="${ACC}"/>`)}<with-defaults xmlns="${WD}">${m}</with-defaults></get>`],
  ]),
  ['get yang-library', `<get>${subtree('<yang-library xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-library"/>')}</get>`],
  ['get netconf-state schemas', `<get>${subtree(`<netconf-state xmlns="${MON}"><capabilities/><schemas/><datastores/></netconf-state>`)}</get>`],
  ['get-schema services', `<get-schema xmlns="${MON}"><identifier>flowtapd-services</identifier></get-schema>`],
  ['get radius-statistics', `<get>${subtree(`<radius-statistics xmlns="${ACC}"/>`)}</get>`],
];

describe('nacm: lawful-intercept secrecy with three users (real agent, real SSH)', function () {
  this.timeout(120000);
  let lab: Lab;
  let admin: NetconfClient;
  let alice: NetconfClient;
  let tap: NetconfClient;
  let ctl: NetconfClient;
  let seenBefore: Map<string, string>;

  const probe = async (c: NetconfClient): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const [name, body] of PROBES) out.set(name, norm(await c.rpc(body)));
    return out;
  };

  before(async () => {
    lab = await startLab();
    admin = await lab.connect('admin');
    assertOk(await admin.rpc(editConfig('running', usersConfig() + RADIUS_CLIENT + cos('be'))));
    alice = await lab.connect('alice');
    tap = await lab.connect('tap');
    ctl = await lab.connect('ctl');
    // what alice sees while no intercept is configured
    seenBefore = await probe(alice);
    // ctl (flow-tap-control) configures the intercept services
    assertOk(await ctl.rpc(editConfig('running', LI_CONFIG)));
  });

  after(async () => {
    await lab?.stop();
  });

  it('alice (no LI group) gets byte-identical answers to every probe whether or not intercepts exist', async () => {
    const after = await probe(alice);
    for (const [name] of PROBES) assert.equal(after.get(name), seenBefore.get(name), `probe "${name}" differs`);
    // and the probes did not destroy anything
    const full = dataOf(await admin.rpc(getConfig('running')));
    assert.match(full, /<flow-tap\/>/);
    assert.match(full, /<maximum-sessions>100<\/maximum-sessions>/);
    assert.match(full, /<name>p1<\/name>/);
  });

  it('alice: what the probes answer (no LI data, no secret, no NACM rules, no password hashes; edits on hidden nodes are a path-less access-denied)', () => {
    const cfg = seenBefore.get('get-config report-all')!;
    for (const hidden of ['flow-tap', 'radius-flow-tap', 'maximum-sessions', '<services', 'secret', 's3cr3t', '<nacm', '<password>']) {
      assert.ok(!cfg.includes(hidden), `alice sees ${hidden}`);
    }
    assert.match(cfg, /<address>192\.0\.2\.1<\/address>/, 'the radius client itself is not secret');
    assert.match(cfg, /<require-message-authenticator>false<\/require-message-authenticator>/, 'defaults of visible nodes are reported');
    for (const p of ['get services', 'get flow-tap', 'subtree content match', 'subtree key match', 'subtree sessions', 'xpath services', 'xpath predicate', 'xpath key predicate', 'xpath descendant', 'get nacm', 'get configuration-history']) {
      assert.equal(dataOf(seenBefore.get(p)!), '', `${p} selects nothing`);
    }
    assert.equal(dataOf(seenBefore.get('xpath count')!), '', 'an xpath predicate over hidden nodes sees none of them');
    for (const p of ['create flow-tap', 'delete flow-tap', 'remove flow-tap', 'delete policy', 'create policy', 'bad value', 'unknown element', 'secret write']) {
      const e = errorOf(seenBefore.get(p)!);
      assert.equal(e.tag, 'access-denied', p);
      assert.equal(e.path, undefined, `${p}: no error-path`);
      assert.deepEqual(e.info, {}, `${p}: no error-info`);
    }
    // services is a non-presence container: alice's view of it is empty either way
    assert.equal(errorOf(seenBefore.get('delete services')!).tag, 'data-missing');
    assertOk(seenBefore.get('merge services')!);
    assertOk(seenBefore.get('remove services')!);
    const rpcErr = errorOf(seenBefore.get('clear-mirror-session')!);
    assert.equal(rpcErr.tag, 'access-denied');
    assertOk(seenBefore.get('validate running')!);
    assertOk(seenBefore.get('copy running to candidate')!);
  });

  it('tap (flow-tap) reads the LI subtrees with their defaults but no secret; every write is refused with the path it may see', async () => {
    const cfg = dataOf(await tap.rpc(getConfig('running', '', `<with-defaults xmlns="${WD}">report-all</with-defaults>`)));
    assert.match(cfg, /<services xmlns="urn:flowtapd:yang:services"><flow-tap\/><radius-flow-tap><maximum-sessions>100<\/maximum-sessions><policy><name>p1<\/name><\/policy><\/radius-flow-tap><\/services>/);
    assert.ok(!cfg.includes('secret'), 'no radius secret');
    assert.ok(!cfg.includes('<nacm'), 'no NACM rules');
    assert.ok(!cfg.includes('<password>'), 'no password hashes');
    const xp = dataOf(await tap.rpc(`<get>${xpathF("/fts:services/fts:radius-flow-tap/fts:policy[fts:name='p1']")}</get>`));
    assert.match(xp, /<policy><name>p1<\/name><\/policy>/);
    const st = dataOf(await tap.rpc(`<get>${subtree(`<services xmlns="${FTS}"><radius-flow-tap><sessions/></radius-flow-tap></services>`)}</get>`));
    assert.match(st, /<sessions/, 'mirror session state is readable by flow-tap');
    const e = errorOf(await tap.rpc(editConfig('running', svc('<radius-flow-tap><maximum-sessions>5</maximum-sessions></radius-flow-tap>'))));
    assert.equal(e.tag, 'access-denied');
    assert.equal(e.path, '/fts:services/fts:radius-flow-tap/fts:maximum-sessions');
    const d = errorOf(await tap.rpc(editConfig('running', svc('<flow-tap nc:operation="delete"/>'))));
    assert.equal(d.tag, 'access-denied');
    assert.equal(d.path, '/fts:services/fts:flow-tap');
    // it may see the node exists: create is data-exists, as for anyone who can read it
    assert.equal(errorOf(await tap.rpc(editConfig('running', svc('<flow-tap nc:operation="create"/>'), testOnly))).tag, 'data-exists');
    assert.equal(errorOf(await tap.rpc(`<clear-mirror-session xmlns="${FTS}"><acct-session-id>1</acct-session-id></clear-mirror-session>`)).tag, 'access-denied');
  });

  it('ctl (flow-tap-control) changes the LI subtrees and runs clear-mirror-session, still without secrets', async () => {
    assertOk(await ctl.rpc(editConfig('candidate', svc('<radius-flow-tap><policy><name>p2</name></policy></radius-flow-tap>'))));
    assertOk(await ctl.rpc('<commit/>'));
    assertOk(await ctl.rpc(editConfig('running', svc('<radius-flow-tap><policy nc:operation="delete"><name>p2</name></policy></radius-flow-tap>'))));
    const e = errorOf(await ctl.rpc(`<clear-mirror-session xmlns="${FTS}"><acct-session-id>1</acct-session-id></clear-mirror-session>`));
    assert.equal(e.tag, 'data-missing', 'permitted: the operation itself answers (no such mirror)');
    const cfg = dataOf(await ctl.rpc(getConfig('running')));
    assert.match(cfg, /<maximum-sessions>100<\/maximum-sessions>/);
    assert.ok(!cfg.includes('secret'));
    // writes outside its rules: write-default deny, with the path it can read
    const c = errorOf(await ctl.rpc(editConfig('running', cos('ef'))));
    assert.equal(c.tag, 'access-denied');
    assert.match(c.path ?? '', /^\/ftcos:class-of-service/);
  });

  it('a restricted edit keeps what the user cannot see: alice replacing the whole config leaves intercepts and secrets', async () => {
    // alice may not write at all by default; give her the class-of-service subtree
    assertOk(
      await admin.rpc(
        editConfig(
          'running',
          `<nacm xmlns="${NACM}"><groups><group><name>cos</name><user-name>alice</user-name></group></groups><rule-list><name>cos</name><group>cos</group><rule><name>cos</name><module-name>flowtapd-class-of-service</module-name><access-operations>*</access-operations><action>permit</action></rule></rule-list></nacm>`,
        ),
      ),
    );
    const view = dataOf(await alice.rpc(getConfig('running')));
    // copy-config of her own view (with one more class) onto candidate
    const withClass = view.replace('<name>be</name><queue-num>1</queue-num></class>', '<name>be</name><queue-num>1</queue-num></class><class><name>af</name><queue-num>2</queue-num></class>');
    assert.notEqual(withClass, view);
    assertOk(await alice.rpc(`<copy-config><target><candidate/></target><source><config>${withClass}</config></source></copy-config>`));
    assertOk(await alice.rpc('<commit/>'));
    const full = dataOf(await admin.rpc(getConfig('running')));
    assert.match(full, /<name>af<\/name>/);
    assert.match(full, /<flow-tap\/>/, 'the intercept survived');
    assert.match(full, /<secret>s3cr3t-value<\/secret>/, 'the secret survived');
    assert.match(full, /<nacm /, 'NACM survived');
    // default-operation replace deletes what she sees and did not send: she may not delete the radius client
    const denied = errorOf(await alice.rpc(editConfig('running', cos('be'), '<default-operation>replace</default-operation>')));
    assert.equal(denied.tag, 'access-denied');
    assert.ok(denied.path && !/fts:|secret|nacm/.test(denied.path), `a path she may read: ${denied.path}`);
    // replace with her whole view (without af): only af goes, what she cannot see stays
    assertOk(await alice.rpc(editConfig('running', view, '<default-operation>replace</default-operation>')));
    const after = dataOf(await admin.rpc(getConfig('running')));
    assert.ok(!after.includes('<name>af</name>'));
    assert.match(after, /<flow-tap\/>/);
    assert.match(after, /<secret>s3cr3t-value<\/secret>/);
    assert.match(after, /<user><name>alice<\/name>/, 'users alice cannot delete stay (ietf-system default-deny-write)');
  });

  it('RPCs: a denied and an unimplemented operation of the model look the same; RFC 8341 defaults for kill-session and delete-config', async () => {
    const restart = '<system-restart xmlns="urn:ietf:params:xml:ns:yang:ietf-system"/>';
    const a = errorOf(await alice.rpc(restart));
    const b = errorOf(await alice.rpc(`<clear-mirror-session xmlns="${FTS}"><acct-session-id>1</acct-session-id></clear-mirror-session>`));
    assert.equal(a.tag, 'access-denied');
    assert.equal(b.tag, 'access-denied');
    assert.equal(a.type, b.type);
    assert.deepEqual(a.info, b.info);
    assert.equal(errorOf(await admin.rpc(restart)).tag, 'operation-not-supported', 'admin may run it: then it is simply not implemented');
    assert.equal(errorOf(await alice.rpc(`<kill-session><session-id>${admin.sessionId}</session-id></kill-session>`)).tag, 'access-denied');
    assert.equal(errorOf(await alice.rpc('<delete-config><target><startup/></target></delete-config>')).tag, 'access-denied');
    assert.equal(errorOf(await ctl.rpc(`<rollback xmlns="urn:flowtapd:yang:system"><index>1</index></rollback>`)).tag, 'access-denied');
    const schema = await alice.rpc(`<get-schema xmlns="${MON}"><identifier>flowtapd-services</identifier></get-schema>`);
    assert.match(schema, /module flowtapd-services/, 'the model is public; only intercepts are secret');
    const ks = await lab.connect('alice');
    assertOk(await admin.rpc(`<kill-session><session-id>${ks.sessionId}</session-id></kill-session>`));
  });

  it('locks: alice sees who holds a lock (not what they edit), and is kept out like anyone else', async () => {
    assertOk(await ctl.rpc('<lock><target><running/></target></lock>'));
    const st = dataOf(await alice.rpc(`<get>${subtree(`<netconf-state xmlns="${MON}"><datastores/></netconf-state>`)}</get>`));
    assert.match(st, new RegExp(`<name>running</name><locks><global-lock><locked-by-session>${ctl.sessionId}</locked-by-session>`));
    assert.equal(errorOf(await alice.rpc(editConfig('running', cos('be')))).tag, 'in-use');
    assertOk(await ctl.rpc('<unlock><target><running/></target></unlock>'));
  });

  it('notifications: per receiver, netconf-config-change lists only readable edits; LI-only changes and mirror events never reach alice', async () => {
    const a = await lab.connect('alice');
    const t = await lab.connect('tap');
    const c = await lab.connect('ctl');
    for (const s of [a, t, c]) assertOk(await s.rpc(subscribe));
    const aNext = a.nextNotification('netconf-config-change');
    const tNext = t.nextNotification('netconf-config-change');
    // one commit that changes both an intercept and a forwarding class
    assertOk(await admin.rpc(editConfig('running', svc('<radius-flow-tap><maximum-sessions>200</maximum-sessions></radius-flow-tap>') + cos('nc1'))));
    const an = await aNext;
    const tn = await tNext;
    assert.match(an, /class-of-service/);
    assert.ok(!an.includes(FTS) && !an.includes('fts:'), `alice's event names an intercept: ${an}`);
    assert.match(tn, /class-of-service/);
    assert.match(tn, /\/fts:services\/fts:radius-flow-tap\/fts:maximum-sessions/);
    // an intercept-only change, then a mirror event, then a marker: alice's next event is the marker
    const aMarker = a.nextNotification(/netconf-config-change|mirror-session-event/);
    const tMirror = t.nextNotification('mirror-session-event');
    const cMirror = c.nextNotification('mirror-session-event');
    assertOk(await admin.rpc(editConfig('running', svc('<radius-flow-tap><maximum-sessions>300</maximum-sessions></radius-flow-tap>'))));
    lab.agent.publish({ 'flowtapd-services:mirror-session-event': { event: 'started', 'acct-session-id': 'acct-7' } });
    assertOk(await admin.rpc(editConfig('running', cos('marker'))));
    const m = await aMarker;
    assert.match(m, /marker/, `alice got something else first: ${m}`);
    assert.match(await tMirror, /acct-7/);
    assert.match(await cMirror, /acct-7/);
  });

  it("alice's <get> does not compute the intercept state it never sees (its time would grow with the number of intercepts); tap's does", async () => {
    const m = lab.agent.mirror!;
    let calls = 0;
    const orig = m.sessionsState.bind(m);
    m.sessionsState = () => {
      calls++;
      return orig();
    };
    try {
      for (const q of ['<get/>', `<get>${xpathF('//fts:sessions')}</get>`, `<get>${subtree(`<services xmlns="${FTS}"/>`)}</get>`]) {
        await alice.rpc(q);
        assert.equal(calls, 0, q);
      }
      await tap.rpc('<get/>');
      assert.equal(calls, 1);
    } finally {
      m.sessionsState = orig;
    }
  });

  it('RADIUS counters: alice sees accounting and drops but not the CoA and Disconnect counters; tap, ctl and admin see them', async () => {
    const q = `<get>${subtree(`<radius-statistics xmlns="${ACC}"/>`)}</get>`;
    const a = dataOf(await alice.rpc(q));
    assert.match(a, /<address>192\.0\.2\.1<\/address>/);
    assert.match(a, /<accounting-requests>0<\/accounting-requests>/);
    assert.match(a, /<dropped><malformed>0<\/malformed>/);
    for (const leaf of ['<requests>', '<coa-requests>', '<disconnect-requests>', '<acks>', '<naks>', '<duplicates>']) assert.ok(!a.includes(leaf), `alice sees ${leaf}`);
    for (const c of [tap, ctl, admin]) {
      const t = dataOf(await c.rpc(q));
      assert.match(t, /<requests>0<\/requests><coa-requests>0<\/coa-requests><disconnect-requests>0<\/disconnect-requests>/);
    }
  });

  it('notification counts: only admin reads out-notifications (a subscriber of mirror-session-event counts intercepts)', async () => {
    const q = `<get>${subtree(`<netconf-state xmlns="${MON}"><statistics/><sessions/></netconf-state>`)}</get>`;
    for (const c of [alice, tap, ctl]) {
      const r = dataOf(await c.rpc(q));
      assert.match(r, /<in-rpcs>\d+<\/in-rpcs>/, 'the other counters stay readable');
      assert.ok(!r.includes('out-notifications'), 'no notification count');
    }
    const a = dataOf(await admin.rpc(q));
    assert.match(a, /<statistics>.*<out-notifications>\d+<\/out-notifications>/s);
    assert.match(a, /<session><session-id>\d+<\/session-id>.*<out-notifications>\d+<\/out-notifications>/s);
  });

  it('counters: /nacm denied-operations, denied-data-writes, denied-notifications (readable by admin only)', async () => {
    const d = dataOf(await admin.rpc(`<get>${subtree(`<nacm xmlns="${NACM}"><denied-operations/><denied-data-writes/><denied-notifications/></nacm>`)}</get>`));
    const n = (name: string) => Number(new RegExp(`<${name}>(\\d+)</${name}>`).exec(d)?.[1] ?? 'NaN');
    assert.ok(n('denied-operations') >= 5, d);
    assert.ok(n('denied-data-writes') >= 2, d);
    assert.ok(n('denied-notifications') >= 1, d);
    assert.equal(dataOf(await tap.rpc(`<get>${subtree(`<nacm xmlns="${NACM}"/>`)}</get>`)), '');
  });

  it('audit: committed changes in audit.log, intercept changes only in li-audit.log (0600), no values', () => {
    const lines = fs.readFileSync(path.join(lab.dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.user === 'admin' && l.changes.some((c: { path: string }) => c.path.includes('flowtapd-class-of-service'))));
    assert.ok(lines.every((l) => typeof l.time === 'string' && 'session' in l));
    const text = fs.readFileSync(path.join(lab.dir, 'audit.log'), 'utf8');
    assert.ok(!text.includes('flowtapd-services'), 'no intercept path in audit.log');
    assert.ok(!text.includes('s3cr3t'), 'no values');
    const liFile = path.join(lab.dir, 'li-audit.log');
    assert.equal(fs.statSync(liFile).mode & 0o777, 0o600);
    const li = fs.readFileSync(liFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(li.some((l) => l.user === 'ctl' && l.changes.some((c: { path: string }) => c.path === '/flowtapd-services:services/flow-tap')));
    assert.ok(li.every((l) => l.changes.every((c: { path: string }) => c.path.startsWith('/flowtapd-services:services'))));
  });
});
