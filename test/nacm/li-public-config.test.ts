/**
 * The LI configuration never constrains, fails or changes what a non-LI
 * user's edits of public configuration answer (audit items 1 and 2): `ops`
 * may write interfaces, class-of-service and access; every reply it gets
 * is byte-identical with and without an LI configuration that uses vt0, vt1
 * and class `li`, also while the dataplane refuses the LI configuration.
 * The LI users see the consequences in state instead. The dataplane is a
 * double here (no TUN devices on the host).
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { NetconfClient } from '../../src/netconf/client';
import type { DesiredState } from '../../src/dataplane';
import { ACC, assertOk, COS, dataOf, editConfig, FTS, Lab, NACM, norm, startLab, SYS, subtree, user, usersConfig } from './helpers';

const NC = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const IF = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const IANA = 'urn:ietf:params:xml:ns:yang:iana-if-type';
const testOnly = '<test-option>test-only</test-option>';
const ifs = (inner: string) => `<interfaces xmlns="${IF}" xmlns:ianaift="${IANA}" xmlns:nc="${NC}">${inner}</interfaces>`;
const tunnel = (n: string) => `<interface><name>${n}</name><type>ianaift:tunnel</type></interface>`;
const cos = (inner: string) => `<class-of-service xmlns="${COS}" xmlns:nc="${NC}"><forwarding-classes>${inner}</forwarding-classes></class-of-service>`;
const cls = (n: string, dscp: number) => `<class><name>${n}</name><queue-num>1</queue-num><dscp>${dscp}</dscp></class>`;
const LI = `<services xmlns="${FTS}"><flow-tap/><radius-flow-tap><interfaces>vt0</interfaces><interfaces>vt1</interfaces><source-ipv4-address>198.51.100.1</source-ipv4-address><forwarding-class>li</forwarding-class><subscriber-interfaces>eth1</subscriber-interfaces></radius-flow-tap></services>`;
const svc = (inner: string) => `<services xmlns="${FTS}" xmlns:nc="${NC}">${inner}</services>`;
const WDA = 'urn:ietf:params:xml:ns:netconf:default:1.0';
const NO_LI = `<services xmlns="${FTS}" xmlns:nc="${NC}"><flow-tap nc:operation="remove"/><radius-flow-tap nc:operation="remove"/></services>`;

class Double {
  readonly linkEvents = new EventEmitter();
  refuse = false;
  applied: DesiredState[] = [];
  async prepare(d: DesiredState) {
    if (this.refuse && d.subscriberInterfaces.length) throw new Error('subscriber interface eth1 does not exist in the kernel');
    return { apply: async () => void this.applied.push(d), abort: async () => undefined };
  }
  counters() {
    return undefined;
  }
  start() {}
  async close() {}
}

/** What ops asks: test-only edits that a pool or class reference would refuse, and real commits that reach the mirroring applier. */
const PROBES: [string, string][] = [
  ['delete vt0', editConfig('running', ifs(`<interface nc:operation="delete"><name>vt0</name></interface>`), testOnly)],
  ['delete vt2', editConfig('running', ifs(`<interface nc:operation="delete"><name>vt2</name></interface>`), testOnly)],
  ['vt0 type ethernet', editConfig('running', ifs(`<interface><name>vt0</name><type>ianaift:ethernetCsmacd</type></interface>`), testOnly)],
  ['delete class li', editConfig('running', cos(`<class nc:operation="delete"><name>li</name></class>`), testOnly)],
  ['delete class be', editConfig('running', cos(`<class nc:operation="delete"><name>be</name></class>`), testOnly)],
  ['delete all interfaces', editConfig('running', ifs('').replace('<interfaces ', '<interfaces nc:operation="remove" '), testOnly)],
  ['delete all classes', editConfig('running', cos('').replace('<class-of-service ', '<class-of-service nc:operation="remove" '), testOnly)],
  ['candidate delete vt0', editConfig('candidate', ifs(`<interface nc:operation="delete"><name>vt0</name></interface>`))],
  ['validate candidate', '<validate><source><candidate/></source></validate>'],
  ['commit candidate', '<commit/>'],
  ['put vt0 back', editConfig('running', ifs(tunnel('vt0')))],
  ['li dscp 12', editConfig('running', cos(cls('li', 12)))],
  ['li dscp 10', editConfig('running', cos(cls('li', 10)))],
  ['vt1 disabled', editConfig('running', ifs('<interface><name>vt1</name><enabled>false</enabled></interface>'))],
  ['vt1 enabled', editConfig('running', ifs('<interface><name>vt1</name><enabled>true</enabled></interface>'))],
  ['timestamp window', editConfig('running', `<access xmlns="${ACC}"><event-timestamp-window>100</event-timestamp-window></access>`)],
  ['timestamp window back', editConfig('running', `<access xmlns="${ACC}"><event-timestamp-window>300</event-timestamp-window></access>`)],
  // continue-on-error (ops may write public modules, and no rule names flowtapd-services: its default-deny-all nodes are hidden): the errors the parser records
  // beside hidden nodes, their number, order and paths
  ...(['continue-on-error', 'rollback-on-error', 'stop-on-error'] as const).flatMap((eo): [string, string][] => {
    const opt = `${testOnly}<error-option>${eo}</error-option>`;
    const bad = cos('<class><name>be</name><queue-num>xyz</queue-num></class>');
    return [
      [`${eo}: empty radius-flow-tap`, editConfig('running', svc('<radius-flow-tap/>'), opt)],
      [`${eo}: bad public value beside flow-tap merge`, editConfig('running', bad + svc('<flow-tap/>'), opt)],
      [`${eo}: bad LI value beside bad public value`, editConfig('running', svc('<radius-flow-tap><maximum-sessions>abc</maximum-sessions></radius-flow-tap>') + bad, opt)],
      [`${eo}: unknown element in flow-tap`, editConfig('running', svc('<flow-tap><bogus/></flow-tap>') + bad, opt)],
      [`${eo}: bad LI leaf-list value`, editConfig('running', svc('<radius-flow-tap><interfaces>vt0</interfaces><interfaces>no such</interfaces><source-ipv4-address>x</source-ipv4-address></radius-flow-tap>') + bad, opt)],
      [`${eo}: create flow-tap`, editConfig('running', svc('<flow-tap nc:operation="create"/>') + bad, opt)],
      [`${eo}: delete flow-tap`, editConfig('running', svc('<flow-tap nc:operation="delete"/>') + bad, opt)],
      [`${eo}: replace radius-flow-tap with a bad value`, editConfig('running', svc('<radius-flow-tap nc:operation="replace"><maximum-sessions>abc</maximum-sessions></radius-flow-tap>') + bad, opt)],
      [`${eo}: replace services`, editConfig('running', svc('').replace('<services ', '<services nc:operation="replace" ') + bad, opt)],
      [`${eo}: wd:default on a hidden leaf`, editConfig('running', svc(`<radius-flow-tap><maximum-sessions xmlns:wd="${WDA}" wd:default="true">7</maximum-sessions></radius-flow-tap>`) + bad, opt)],
    ];
  }),
];

describe('nacm: the LI configuration never constrains or fails public edits', function () {
  this.timeout(120000);
  let lab: Lab;
  let admin: NetconfClient;
  let ops: NetconfClient;
  let ctl: NetconfClient;
  const dp = new Double();

  const probe = async (): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const [name, body] of PROBES) out.set(name, norm(await ops.rpc(body)));
    return out;
  };
  const liState = async (): Promise<string> =>
    dataOf(await ctl.rpc(`<get>${subtree(`<services xmlns="${FTS}"><radius-flow-tap><status/><tunnel-state/></radius-flow-tap></services>`)}</get>`));

  before(async () => {
    lab = await startLab({ dataplane: dp as never });
    admin = await lab.connect('admin');
    const netops =
      `<nacm xmlns="${NACM}"><groups><group><name>netops</name><user-name>ops</user-name></group></groups><rule-list><name>netops</name><group>netops</group>` +
      ['ietf-interfaces', 'flowtapd-class-of-service', 'flowtapd-access'].map((m) => `<rule><name>${m}</name><module-name>${m}</module-name><access-operations>*</access-operations><action>permit</action></rule>`).join('') +
      `</rule-list></nacm>`;
    assertOk(await admin.rpc(editConfig('running', usersConfig())));
    assertOk(await admin.rpc(editConfig('running', `<system xmlns="${SYS}"><authentication>${user('ops')}</authentication></system>`)));
    assertOk(await admin.rpc(editConfig('running', netops + ifs(tunnel('vt0') + tunnel('vt1') + tunnel('vt2')) + cos(cls('li', 10) + cls('be', 0)))));
    ops = await lab.connect('ops');
    ctl = await lab.connect('ctl');
  });

  after(async () => {
    await lab?.stop();
  });

  it('ops gets byte-identical replies with and without the LI configuration, and with the dataplane refusing it', async () => {
    const without = await probe();
    for (const name of ['delete vt0', 'delete class li', 'vt0 type ethernet', 'li dscp 12', 'vt1 disabled', 'timestamp window']) assertOk(without.get(name)!);
    assertOk(await ctl.rpc(editConfig('running', LI)));
    const withLi = await probe();
    for (const [name] of PROBES) assert.equal(withLi.get(name), without.get(name), `probe "${name}" differs with LI configured`);
    dp.refuse = true;
    const refused = await probe();
    for (const [name] of PROBES) assert.equal(refused.get(name), without.get(name), `probe "${name}" differs while the dataplane refuses the LI configuration`);
    assert.match(await liState(), /<dataplane-error>subscriber interface eth1 does not exist in the kernel<\/dataplane-error>/, 'the LI side sees the refusal');
    dp.refuse = false;
    assertOk(await ctl.rpc(editConfig('running', NO_LI)));
    const after = await probe();
    for (const [name] of PROBES) assert.equal(after.get(name), without.get(name), `probe "${name}" differs after the LI configuration was removed`);
  });

  it('the LI users see what public edits did to the pool and the class: oper-status down with the reason, no DSCP', async () => {
    assertOk(await ctl.rpc(editConfig('running', LI)));
    let st = await liState();
    assert.match(st, /<forwarding-class-dscp>10<\/forwarding-class-dscp>/);
    assert.match(st, /<tunnel><name>vt0<\/name><enabled>true<\/enabled><oper-status>up<\/oper-status>/);
    assertOk(await ops.rpc(editConfig('running', ifs(`<interface nc:operation="delete"><name>vt0</name></interface>`))));
    assertOk(await ops.rpc(editConfig('running', ifs(`<interface><name>vt1</name><type>ianaift:ethernetCsmacd</type></interface>`))));
    assertOk(await ops.rpc(editConfig('running', cos(`<class nc:operation="delete"><name>li</name></class>`))));
    st = await liState();
    assert.match(st, /<tunnel><name>vt0<\/name><enabled>true<\/enabled><oper-status>down<\/oper-status><sessions>0<\/sessions><reason>not-configured<\/reason><\/tunnel>/);
    assert.match(st, /<tunnel><name>vt1<\/name><enabled>true<\/enabled><oper-status>down<\/oper-status><sessions>0<\/sessions><reason>not-a-tunnel<\/reason><\/tunnel>/);
    assert.doesNotMatch(st, /forwarding-class-dscp/);
    const last = dp.applied[dp.applied.length - 1];
    assert.deepEqual(last.pool, [], 'the dataplane manages no unusable member');
    assert.equal(last.dscp, undefined);
  });
});
