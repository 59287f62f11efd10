/**
 * Generates the differential corpus (test/libyang-diff/corpus/gen/): XML
 * instance documents, valid and invalid, that touch every rule of the
 * flowtapd modules and the parts of ietf-interfaces, ietf-system and
 * ietf-netconf-acm they use. A document named NAME.config.xml is checked as
 * configuration (-t config), NAME.data.xml as a complete datastore with state
 * (-t data). The verdicts are libyang's (refresh.sh), never ours.
 *
 *   npx tsx test/libyang-diff/gen.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { NS } from './corpus-modules';
import { el, leaf, top } from './xml-build';



interface Iface {
  name: string;
  type?: string; // prefixed with ianaift: (declared on the element)
  raw?: string; // extra children
}
function interfaces(list: Iface[]): string {
  return top(
    NS.if,
    'interfaces',
    ...list.map((i) =>
      el(
        'interface',
        leaf('name', i.name),
        i.type === undefined ? '' : leaf('type', i.type, `xmlns:ianaift="${NS.ianaift}"`),
        i.raw ?? '',
      ),
    ),
  );
}
const tunnels = (...names: string[]): Iface[] => names.map((name) => ({ name, type: 'ianaift:tunnel' }));

function cos(classes: { name: string; q?: string; dscp?: string }[]): string {
  return top(
    NS.ftcos,
    'class-of-service',
    el(
      'forwarding-classes',
      ...classes.map((c) =>
        el('class', leaf('name', c.name), c.q !== undefined ? leaf('queue-num', c.q) : '', c.dscp !== undefined ? leaf('dscp', c.dscp) : ''),
      ),
    ),
  );
}

/** services with flow-tap and a radius-flow-tap body */
function services(rft: string[], flowTap = true): string {
  return top(NS.fts, 'services', flowTap ? '<flow-tap/>' : '', rft.length ? el('radius-flow-tap', ...rft) : '');
}

/** a good radius-flow-tap pool */
const POOL = [leaf('interfaces', 'vt0'), leaf('interfaces', 'vt1'), leaf('source-ipv4-address', '192.0.2.1')];
const BASE_IF = interfaces(tunnels('vt0', 'vt1'));
const BASE_COS = cos([
  { name: 'best-effort', q: '0', dscp: '0' },
  { name: 'expedited-forwarding', q: '5', dscp: '46' },
]);

function access(...children: string[]): string {
  return top(NS.fta, 'access', ...children);
}
function client(addr: string, secret?: string, ...more: string[]): string {
  return el('radius-client', leaf('address', addr), secret === undefined ? '' : leaf('secret', secret), ...more);
}

/** nacm's mandatory state counters (needed by every -t data document) */
const NACM_STATE = top(
  NS.nacm,
  'nacm',
  leaf('denied-operations', '0'),
  leaf('denied-data-writes', '0'),
  leaf('denied-notifications', '0'),
);

function sessions(...sess: string[]): string {
  return top(NS.fts, 'services', '<flow-tap/>', el('radius-flow-tap', ...POOL, el('sessions', ...sess)));
}
function session(id: string, ...children: string[]): string {
  return el('session', leaf('acct-session-id', id), ...children);
}

interface Doc {
  name: string;
  type: 'config' | 'data';
  parts: string[];
}
const docs: Doc[] = [];
const seen = new Set<string>();
function add(name: string, type: 'config' | 'data', ...parts: string[]): void {
  const n = name.replace(/[^A-Za-z0-9_.-]+/g, '_');
  if (seen.has(`${n}.${type}`)) throw new Error(`duplicate document name ${n}`);
  seen.add(`${n}.${type}`);
  docs.push({ name: n, type, parts });
}
function safe(v: string): string {
  if (v === '') return 'EMPTY';
  return Buffer.from(v).toString('utf8').replace(/[^A-Za-z0-9.-]/g, (c) => `x${c.charCodeAt(0).toString(16)}`).slice(0, 40);
}

// ---------------------------------------------------------------- baselines
add('base-empty', 'config');
add('base-empty', 'data');
add('base-full', 'config', BASE_IF, BASE_COS, services([...POOL, leaf('forwarding-class', 'expedited-forwarding')]), access(client('198.51.100.10', 's3cret')));
add('base-full', 'data', BASE_IF, BASE_COS, services([...POOL]), access(client('198.51.100.10', 's3cret')), NACM_STATE);
add('base-flow-tap-only', 'config', services([]));
add('base-services-empty', 'config', top(NS.fts, 'services'));

// ------------------------------------------------ when: radius-flow-tap needs flow-tap
add('when-rft-without-flow-tap-pool', 'config', BASE_IF, services(POOL, false));
add('when-rft-without-flow-tap-max', 'config', services([leaf('maximum-sessions', '10')], false));
add('when-rft-without-flow-tap-empty-container', 'config', top(NS.fts, 'services', '<radius-flow-tap/>'));
add('when-rft-with-flow-tap-max', 'config', services([leaf('maximum-sessions', '10')]));
add('when-rft-without-flow-tap-subif', 'config', services([leaf('subscriber-interfaces', 'eth0')], false));
add('when-flow-tap-twice', 'config', top(NS.fts, 'services', '<flow-tap/><flow-tap/>'));
add('when-flow-tap-with-text', 'config', top(NS.fts, 'services', '<flow-tap>yes</flow-tap>'));

// ------------------------------------------------ pool members: leafref + must (tunnel type)
add('pool-one-tunnel', 'config', interfaces(tunnels('vt0')), services([leaf('interfaces', 'vt0'), leaf('source-ipv4-address', '192.0.2.1')]));
add('pool-missing-interface', 'config', interfaces(tunnels('vt0')), services([leaf('interfaces', 'vt9'), leaf('source-ipv4-address', '192.0.2.1')]));
add('pool-no-interfaces-at-all', 'config', services([leaf('interfaces', 'vt0'), leaf('source-ipv4-address', '192.0.2.1')]));
for (const t of ['ethernetCsmacd', 'softwareLoopback', 'l2vlan', 'ieee8023adLag', 'other', 'gre', 'tunnel']) {
  add(`pool-type-${t}`, 'config', interfaces([{ name: 'vt0', type: `ianaift:${t}` }]), services([leaf('interfaces', 'vt0'), leaf('source-ipv4-address', '192.0.2.1')]));
}
add('pool-mixed-types', 'config', interfaces([...tunnels('vt0'), { name: 'eth0', type: 'ianaift:ethernetCsmacd' }]), services([leaf('interfaces', 'vt0'), leaf('interfaces', 'eth0'), leaf('source-ipv4-address', '192.0.2.1')]));
add('pool-duplicate-member', 'config', BASE_IF, services([leaf('interfaces', 'vt0'), leaf('interfaces', 'vt0'), leaf('source-ipv4-address', '192.0.2.1')]));
add('pool-many-members', 'config', interfaces(tunnels(...Array.from({ length: 20 }, (_, i) => `vt${i}`))), services([...Array.from({ length: 20 }, (_, i) => leaf('interfaces', `vt${i}`)), leaf('source-ipv4-address', '192.0.2.1')]));
add('pool-interface-disabled', 'config', interfaces([{ name: 'vt0', type: 'ianaift:tunnel', raw: leaf('enabled', 'false') }]), services([leaf('interfaces', 'vt0'), leaf('source-ipv4-address', '192.0.2.1')]));
add('pool-member-name-case', 'config', interfaces(tunnels('vt0')), services([leaf('interfaces', 'VT0'), leaf('source-ipv4-address', '192.0.2.1')]));

// ------------------------------------------------ source-ipv4-address required with a pool
add('src-missing-with-pool', 'config', BASE_IF, services([leaf('interfaces', 'vt0')]));
add('src-without-pool', 'config', services([leaf('source-ipv4-address', '192.0.2.1')]));
add('src-missing-without-pool', 'config', services([leaf('maximum-sessions', '5')]));
for (const v of ['192.0.2.1', '0.0.0.0', '255.255.255.255', '10.1.2.3']) {
  add(`src-ok-${safe(v)}`, 'config', BASE_IF, services([leaf('interfaces', 'vt0'), leaf('source-ipv4-address', v)]));
}
for (const v of ['256.0.0.1', '192.0.2', '192.0.2.1.5', '192.0.2.1%eth0', '::1', '2001:db8::1', '01.2.3.4', 'host', '', ' 192.0.2.1', '192.0.2.1/32', '1.2.3.04']) {
  add(`src-bad-${safe(v)}`, 'config', BASE_IF, services([leaf('interfaces', 'vt0'), leaf('source-ipv4-address', v)]));
}
add('src-twice', 'config', BASE_IF, services([leaf('interfaces', 'vt0'), leaf('source-ipv4-address', '192.0.2.1'), leaf('source-ipv4-address', '192.0.2.2')]));

// ------------------------------------------------ forwarding-class leafref
add('fc-ok', 'config', BASE_COS, services([leaf('forwarding-class', 'best-effort')]));
add('fc-missing-class', 'config', BASE_COS, services([leaf('forwarding-class', 'assured-forwarding')]));
add('fc-no-cos', 'config', services([leaf('forwarding-class', 'best-effort')]));
add('fc-empty-value', 'config', BASE_COS, services([leaf('forwarding-class', '')]));

// ------------------------------------------------ multicast-interception (empty)
add('mcast-ok', 'config', services([el('multicast-interception')]));
add('mcast-with-value', 'config', services([leaf('multicast-interception', 'true')]));
add('mcast-explicit-empty', 'config', services(['<multicast-interception></multicast-interception>']));

// ------------------------------------------------ maximum-sessions uint32 1..65536
for (const v of ['1', '2048', '65536', '100', '0001', '+5']) add(`maxs-${safe(v)}`, 'config', services([leaf('maximum-sessions', v)]));
for (const v of ['0', '65537', '-1', 'abc', '', '4294967296', '1.5', '1e3', '0x10', ' 5', '5 ']) add(`maxs-${safe(v)}`, 'config', services([leaf('maximum-sessions', v)]));

// ------------------------------------------------ subscriber-interfaces: kernel names
for (const v of ['eth0', 'a', 'abcdefghijklmno', 'bng-sub.100', '...', 'x_y', 'eth0.1', '.a']) add(`subif-${safe(v)}`, 'config', services([leaf('subscriber-interfaces', v)]));
for (const v of ['', 'abcdefghijklmnop', 'eth0/1', 'a b', '.', '..', 'eth:0', 'tab\there', 'ab\u00e9cdefghijklmn']) add(`subif-${safe(v)}`, 'config', services([leaf('subscriber-interfaces', v)]));
add('subif-several', 'config', services([leaf('subscriber-interfaces', 'veth-a'), leaf('subscriber-interfaces', 'veth-b')]));
add('subif-duplicate', 'config', services([leaf('subscriber-interfaces', 'veth-a'), leaf('subscriber-interfaces', 'veth-a')]));

// ------------------------------------------------ policy / drop-policy
function policy(name: string, family: 'inet' | 'inet6', term: string, ...from: string[]): string {
  return el('policy', leaf('name', name), el(family, el('drop-policy', leaf('name', term), from.length ? el('from', ...from) : '')));
}
add('pol-minimal', 'config', services([el('policy', leaf('name', 'p1'))]));
add('pol-no-name', 'config', services([el('policy', el('inet'))]));
add('pol-name-empty', 'config', services([el('policy', leaf('name', ''))]));
add('pol-name-too-long', 'config', services([el('policy', leaf('name', 'p'.repeat(65)))]));
add('pol-name-64', 'config', services([el('policy', leaf('name', 'p'.repeat(64)))]));
add('pol-duplicate-key', 'config', services([el('policy', leaf('name', 'p1')), el('policy', leaf('name', 'p1'))]));
add('pol-two', 'config', services([el('policy', leaf('name', 'p1')), el('policy', leaf('name', 'p2'))]));
add('pol-term-no-from', 'config', services([policy('p1', 'inet', 't1')]));
add('pol-term-no-name', 'config', services([el('policy', leaf('name', 'p1'), el('inet', el('drop-policy', el('from', leaf('protocol', 'tcp')))))]));
add('pol-term-dup', 'config', services([el('policy', leaf('name', 'p1'), el('inet', el('drop-policy', leaf('name', 't')), el('drop-policy', leaf('name', 't'))))]));
add('pol-term-same-name-both-families', 'config', services([el('policy', leaf('name', 'p1'), el('inet', el('drop-policy', leaf('name', 't'))), el('inet6', el('drop-policy', leaf('name', 't'))))]));
add('pol-key-not-first', 'config', services([el('policy', el('inet'), leaf('name', 'p1'))]));
add('pol-full-inet', 'config', services([policy('p1', 'inet', 't1', leaf('source-address', '192.0.2.0/24'), leaf('destination-address', '198.51.100.0/24'), leaf('source-port', '53'), leaf('destination-port', '1024-2048'), leaf('protocol', 'udp'), leaf('protocol', '6'), leaf('dscp', '46'))]));
add('pol-full-inet6', 'config', services([policy('p1', 'inet6', 't1', leaf('source-address', '2001:db8::/32'), leaf('destination-address', '2001:db8:1::/48'), leaf('source-port', '443'), leaf('protocol', 'icmp6'), leaf('dscp', '0'))]));
for (const v of ['192.0.2.0/24', '0.0.0.0/0', '192.0.2.1/32', '10.0.0.0/8', '192.0.2.1/24']) {
  add(`pol-v4-src-${safe(v)}`, 'config', services([policy('p', 'inet', 't', leaf('source-address', v))]));
}
for (const v of ['192.0.2.0/33', '192.0.2.0', '192.0.2.0/', '/24', '2001:db8::/32', '300.0.0.0/8', '192.0.2.0/24 ', 'any']) {
  add(`pol-v4-dst-${safe(v)}`, 'config', services([policy('p', 'inet', 't', leaf('destination-address', v))]));
}
for (const v of ['2001:db8::/32', '::/0', '2001:db8::1/128', 'fe80::/10', '2001:DB8::/32', '2001:db8::1/64']) {
  add(`pol-v6-src-${safe(v)}`, 'config', services([policy('p', 'inet6', 't', leaf('source-address', v))]));
}
for (const v of ['2001:db8::/129', '2001:db8:::/32', '2001:db8::', '192.0.2.0/24', 'gggg::/16', '2001:db8::/-1']) {
  add(`pol-v6-dst-${safe(v)}`, 'config', services([policy('p', 'inet6', 't', leaf('destination-address', v))]));
}
for (const v of ['0', '80', '65535', '1024-2048', '1-65535', '00080', '0-65535', '65535-1', '00010-00020']) {
  add(`pol-port-${safe(v)}`, 'config', services([policy('p', 'inet', 't', leaf('source-port', v))]));
}
for (const v of ['65536', '-1', 'http', '1-2-3', '123456-1', '', '80 ', '1024 - 2048', '1.5', '99999-1', '1-65536', '-80', '80-']) {
  add(`pol-dport-${safe(v)}`, 'config', services([policy('p', 'inet', 't', leaf('destination-port', v))]));
}
for (const v of ['0', '6', '17', '255', 'tcp', 'udp', 'icmp', 'icmp6', 'sctp', 'gre', 'esp', 'ah', 'ospf', 'pim', 'igmp']) {
  add(`pol-proto-${safe(v)}`, 'config', services([policy('p', 'inet', 't', leaf('protocol', v))]));
}
for (const v of ['256', '-1', 'TCP', 'foo', '', '6 ', 'tcp udp']) {
  add(`pol-proto-bad-${safe(v)}`, 'config', services([policy('p', 'inet', 't', leaf('protocol', v))]));
}
for (const v of ['0', '10', '46', '63']) add(`pol-dscp-${safe(v)}`, 'config', services([policy('p', 'inet6', 't', leaf('dscp', v))]));
for (const v of ['64', '-1', 'ef', '', '256']) add(`pol-dscp-bad-${safe(v)}`, 'config', services([policy('p', 'inet6', 't', leaf('dscp', v))]));
add('pol-dup-leaf-list-value', 'config', services([policy('p', 'inet', 't', leaf('dscp', '46'), leaf('dscp', '46'))]));
add('pol-dup-proto-name-and-number', 'config', services([policy('p', 'inet', 't', leaf('protocol', 'tcp'), leaf('protocol', '6'))]));
add('pol-unknown-match', 'config', services([policy('p', 'inet', 't', leaf('tcp-flags', 'syn'))]));
add('pol-v6-prefix-in-inet', 'config', services([policy('p', 'inet', 't', leaf('source-address', '2001:db8::/32'))]));
add('pol-then-unknown', 'config', services([el('policy', leaf('name', 'p'), el('inet', el('drop-policy', leaf('name', 't'), el('then', el('discard')))))]));
add('pol-inet-twice', 'config', services([el('policy', leaf('name', 'p'), el('inet'), el('inet'))]));

// ------------------------------------------------ class-of-service
add('cos-ok', 'config', BASE_COS);
add('cos-empty-container', 'config', top(NS.ftcos, 'class-of-service'));
add('cos-no-dscp', 'config', cos([{ name: 'a' }, { name: 'b' }]));
add('cos-unique-dscp', 'config', cos([{ name: 'a', dscp: '10' }, { name: 'b', dscp: '10' }]));
add('cos-unique-dscp-one-missing', 'config', cos([{ name: 'a', dscp: '10' }, { name: 'b' }]));
add('cos-same-queue', 'config', cos([{ name: 'a', q: '1' }, { name: 'b', q: '1' }]));
add('cos-dup-key', 'config', cos([{ name: 'a' }, { name: 'a' }]));
for (const v of ['0', '7']) add(`cos-queue-${v}`, 'config', cos([{ name: 'a', q: v }]));
for (const v of ['8', '255', '256', '-1', 'x']) add(`cos-queue-bad-${safe(v)}`, 'config', cos([{ name: 'a', q: v }]));
for (const v of ['0', '63', '46']) add(`cos-dscp-${v}`, 'config', cos([{ name: 'a', dscp: v }]));
for (const v of ['64', '-1', 'af11']) add(`cos-dscp-bad-${safe(v)}`, 'config', cos([{ name: 'a', dscp: v }]));
for (const v of ['best-effort', 'a', 'AF1.1_x', 'b'.repeat(64)]) add(`cos-name-${safe(v)}`, 'config', cos([{ name: v }]));
for (const v of ['1abc', '-x', '', 'b'.repeat(65), 'a b', 'é']) add(`cos-name-bad-${safe(v)}`, 'config', cos([{ name: v }]));
add('cos-class-no-name', 'config', top(NS.ftcos, 'class-of-service', el('forwarding-classes', el('class', leaf('queue-num', '1')))));
add('cos-class-directly', 'config', top(NS.ftcos, 'class-of-service', el('class', leaf('name', 'a'))));

// ------------------------------------------------ access
add('acc-empty', 'config', access());
add('acc-ports', 'config', access(leaf('radius-disconnect-port', '3799'), leaf('radius-accounting-port', '1813')));
add('acc-ports-custom', 'config', access(leaf('radius-disconnect-port', '13799'), leaf('radius-accounting-port', '11813')));
add('acc-ports-equal', 'config', access(leaf('radius-disconnect-port', '5000'), leaf('radius-accounting-port', '5000')));
add('acc-disc-eq-default-acct', 'config', access(leaf('radius-disconnect-port', '1813')));
add('acc-acct-eq-default-disc', 'config', access(leaf('radius-accounting-port', '3799')));
for (const v of ['0', '65536', '-5', 'radius', '']) add(`acc-disc-port-bad-${safe(v)}`, 'config', access(leaf('radius-disconnect-port', v)));
for (const v of ['1', '65535']) add(`acc-acct-port-${v}`, 'config', access(leaf('radius-accounting-port', v)));
for (const v of ['0', '300', '86400']) add(`acc-window-${v}`, 'config', access(leaf('event-timestamp-window', v)));
for (const v of ['86401', '-1', '4294967296', '5m']) add(`acc-window-bad-${safe(v)}`, 'config', access(leaf('event-timestamp-window', v)));
add('acc-nas-id', 'config', access(leaf('nas-identifier', 'iap-1')));
add('acc-nas-id-empty', 'config', access(leaf('nas-identifier', '')));
add('acc-nas-id-254', 'config', access(leaf('nas-identifier', 'n'.repeat(254))));
for (const v of ['198.51.100.10', '127.0.0.1', '2001:db8::10', '::1', 'fe80::1%eth0', '192.0.2.1%1', '2001:DB8::A']) {
  add(`acc-client-${safe(v)}`, 'config', access(client(v, 'secret')));
}
for (const v of ['198.51.100.300', 'radius.example', '', '2001:db8::/64', '198.51.100.0/24', '2001:db8:::1']) {
  add(`acc-client-bad-${safe(v)}`, 'config', access(client(v, 'secret')));
}
add('acc-client-no-secret', 'config', access(client('198.51.100.10')));
add('acc-client-secret-empty', 'config', access(client('198.51.100.10', '')));
add('acc-client-secret-128', 'config', access(client('198.51.100.10', 's'.repeat(128))));
add('acc-client-secret-129', 'config', access(client('198.51.100.10', 's'.repeat(129))));
add('acc-client-secret-xml-chars', 'config', access(client('198.51.100.10', 'a<b>&"c\'')));
add('acc-client-no-key', 'config', access(el('radius-client', leaf('secret', 'x'))));
add('acc-client-dup', 'config', access(client('198.51.100.10', 'a'), client('198.51.100.10', 'b')));
add('acc-client-two', 'config', access(client('198.51.100.10', 'a'), client('2001:db8::1', 'b')));
add('acc-client-dup-v6-forms', 'config', access(client('2001:db8::1', 'a'), client('2001:DB8:0::1', 'b')));
for (const v of ['true', 'false']) add(`acc-client-rma-${v}`, 'config', access(client('198.51.100.10', 's', leaf('require-message-authenticator', v))));
for (const v of ['TRUE', '1', 'yes', '']) add(`acc-client-rma-bad-${safe(v)}`, 'config', access(client('198.51.100.10', 's', leaf('require-message-authenticator', v))));
add('acc-client-unknown-child', 'config', access(client('198.51.100.10', 's', leaf('port', '1700'))));

// ------------------------------------------------ state data: config vs data
const SESS_OK = session(
  '0000001',
  leaf('user-name', 'alice@isp'),
  leaf('subscriber-address', '203.0.113.7'),
  leaf('subscriber-address', '2001:db8:7::1'),
  leaf('intercept-id', '1000'),
  leaf('session-id', '7'),
  leaf('mediation-address', '198.51.100.2'),
  leaf('mediation-port', '30030'),
  leaf('tunnel-interface', 'vt0'),
  leaf('state', 'active'),
  leaf('start-time', '2026-11-24T10:00:00Z'),
  leaf('packets', '10'),
  leaf('bytes', '1500'),
  leaf('policy-drops', '0'),
);
add('state-sessions-in-config', 'config', BASE_IF, sessions(SESS_OK));
add('state-sessions-in-data', 'data', BASE_IF, sessions(SESS_OK), NACM_STATE);
add('state-sessions-empty-in-data', 'data', BASE_IF, sessions(), NACM_STATE);
add('state-sessions-no-nacm-counters', 'data', BASE_IF, sessions(SESS_OK));
add('state-sessions-no-tunnel', 'data', BASE_IF, sessions(session('x', leaf('state', 'no-tunnel'))), NACM_STATE);
add('state-sessions-bad-state', 'data', BASE_IF, sessions(session('x', leaf('state', 'idle'))), NACM_STATE);
add('state-session-no-key', 'data', BASE_IF, sessions(el('session', leaf('state', 'active'))), NACM_STATE);
add('state-session-dup', 'data', BASE_IF, sessions(session('a'), session('a')), NACM_STATE);
add('state-session-key-empty', 'data', BASE_IF, sessions(session('')), NACM_STATE);
add('state-sessions-without-flow-tap', 'data', top(NS.fts, 'services', el('radius-flow-tap', el('sessions', session('a')))), NACM_STATE);
for (const v of ['0', '1073741823']) add(`state-iid-${v}`, 'data', BASE_IF, sessions(session('a', leaf('intercept-id', v))), NACM_STATE);
for (const v of ['1073741824', '-1']) add(`state-iid-bad-${safe(v)}`, 'data', BASE_IF, sessions(session('a', leaf('intercept-id', v))), NACM_STATE);
for (const v of ['4294967295']) add(`state-sid-${v}`, 'data', BASE_IF, sessions(session('a', leaf('session-id', v))), NACM_STATE);
for (const v of ['4294967296']) add(`state-sid-bad-${v}`, 'data', BASE_IF, sessions(session('a', leaf('session-id', v))), NACM_STATE);
for (const v of ['18446744073709551615', '0']) add(`state-counter-${safe(v)}`, 'data', BASE_IF, sessions(session('a', leaf('bytes', v))), NACM_STATE);
for (const v of ['18446744073709551616', '-1', '1.0']) add(`state-counter-bad-${safe(v)}`, 'data', BASE_IF, sessions(session('a', leaf('packets', v))), NACM_STATE);
for (const v of ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.123456+01:00', '2026-11-24T23:59:59-05:30']) {
  add(`state-time-${safe(v)}`, 'data', BASE_IF, sessions(session('a', leaf('start-time', v))), NACM_STATE);
}
for (const v of ['2026-11-24 10:00:00', '2026-11-24T10:00:00', '26-11-24T10:00:00Z', 'now', '2026-11-24T10:00:00+1:00']) {
  add(`state-time-bad-${safe(v)}`, 'data', BASE_IF, sessions(session('a', leaf('start-time', v))), NACM_STATE);
}
add('state-mediation-v6', 'data', BASE_IF, sessions(session('a', leaf('mediation-address', '2001:db8::2'))), NACM_STATE);
add('state-mediation-port-0', 'data', BASE_IF, sessions(session('a', leaf('mediation-port', '0'))), NACM_STATE);
add('state-tunnel-not-configured', 'data', BASE_IF, sessions(session('a', leaf('tunnel-interface', 'vt77'))), NACM_STATE);
add('state-tunnel-bad-name', 'data', BASE_IF, sessions(session('a', leaf('tunnel-interface', 'vt/0'))), NACM_STATE);
add('state-subscriber-address-bad', 'data', BASE_IF, sessions(session('a', leaf('subscriber-address', '203.0.113.999'))), NACM_STATE);

function subscribers(...subs: string[]): string {
  return top(NS.fta, 'subscribers', ...subs);
}
function sub(id: string, ...children: string[]): string {
  return el('subscriber', leaf('acct-session-id', id), ...children);
}
const SUB_OK = sub('0000001', leaf('user-name', 'alice'), leaf('framed-ip-address', '203.0.113.7'), leaf('framed-ipv6-prefix', '2001:db8:7::/56'), leaf('nas-port-id', 'ge-0/0/1.100'), leaf('start-time', '2026-11-24T10:00:00Z'));
add('subs-in-data', 'data', subscribers(SUB_OK), NACM_STATE);
add('subs-in-config', 'config', subscribers(SUB_OK));
add('subs-many', 'data', subscribers(...Array.from({ length: 30 }, (_, i) => sub(`s${i}`, leaf('framed-ip-address', `203.0.113.${i + 1}`)))), NACM_STATE);
add('subs-dup', 'data', subscribers(sub('a'), sub('a')), NACM_STATE);
add('subs-ipv4-zone', 'data', subscribers(sub('a', leaf('framed-ip-address', '203.0.113.7%eth0'))), NACM_STATE);
add('subs-ipv6-prefix-bad', 'data', subscribers(sub('a', leaf('framed-ipv6-prefix', '2001:db8::/200'))), NACM_STATE);
add('subs-ipv6-prefix-host-bits', 'data', subscribers(sub('a', leaf('framed-ipv6-prefix', '2001:db8::1/56'))), NACM_STATE);
add('subs-key-too-long', 'data', subscribers(sub('k'.repeat(254))), NACM_STATE);
add('subs-access-config-and-state', 'data', access(client('198.51.100.10', 's')), subscribers(SUB_OK), NACM_STATE);

// ------------------------------------------------ ietf-interfaces
add('if-ok', 'config', interfaces([{ name: 'eth0', type: 'ianaift:ethernetCsmacd', raw: leaf('description', 'uplink') + leaf('enabled', 'true') }]));
add('if-no-type', 'config', interfaces([{ name: 'eth0' }]));
add('if-no-name', 'config', top(NS.if, 'interfaces', el('interface', leaf('type', 'ianaift:tunnel', `xmlns:ianaift="${NS.ianaift}"`))));
add('if-dup', 'config', interfaces([...tunnels('vt0'), ...tunnels('vt0')]));
add('if-type-other-prefix', 'config', top(NS.if, 'interfaces', el('interface', leaf('name', 'vt0'), leaf('type', 'x:tunnel', `xmlns:x="${NS.ianaift}"`))));
add('if-type-default-ns', 'config', top(NS.if, 'interfaces', el('interface', leaf('name', 'vt0'), `<type xmlns="${NS.if}">tunnel</type>`)));
add('if-type-undeclared-prefix', 'config', top(NS.if, 'interfaces', el('interface', leaf('name', 'vt0'), leaf('type', 'nope:tunnel'))));
add('if-type-unknown-identity', 'config', interfaces([{ name: 'vt0', type: 'ianaift:warpDrive' }]));
add('if-type-base-itself', 'config', top(NS.if, 'interfaces', el('interface', leaf('name', 'vt0'), leaf('type', 'if:interface-type', `xmlns:if="${NS.if}"`))));
add('if-type-wrong-module-identity', 'config', top(NS.if, 'interfaces', el('interface', leaf('name', 'vt0'), leaf('type', 'sys:radius', `xmlns:sys="${NS.sys}"`))));
add('if-type-no-prefix', 'config', top(NS.if, 'interfaces', el('interface', leaf('name', 'vt0'), leaf('type', 'tunnel'))));
add('if-type-ns-on-parent', 'config', `<interfaces xmlns="${NS.if}" xmlns:t="${NS.ianaift}"><interface><name>vt0</name><type>t:tunnel</type></interface></interfaces>`);
add('if-enabled-bad', 'config', interfaces([{ name: 'vt0', type: 'ianaift:tunnel', raw: leaf('enabled', 'on') }]));
for (const v of ['enabled', 'disabled']) add(`if-trap-${v}`, 'config', interfaces([{ name: 'vt0', type: 'ianaift:tunnel', raw: leaf('link-up-down-trap-enable', v) }]));
add('if-trap-bad', 'config', interfaces([{ name: 'vt0', type: 'ianaift:tunnel', raw: leaf('link-up-down-trap-enable', 'on') }]));
add('if-state-in-config', 'config', top(NS.if, 'interfaces-state', el('interface', leaf('name', 'vt0'))));
function ifState(name: string, ...extra: string[]): string {
  return el('interface', leaf('name', name), leaf('type', 'ianaift:tunnel', `xmlns:ianaift="${NS.ianaift}"`), ...extra);
}
const IFS_REQ = [leaf('admin-status', 'up'), leaf('oper-status', 'up'), leaf('if-index', '5'), el('statistics', leaf('discontinuity-time', '2026-11-24T10:00:00Z'))];
add('if-state-ok', 'data', top(NS.if, 'interfaces-state', ifState('vt0', ...IFS_REQ)), NACM_STATE);
add('if-state-missing-oper', 'data', top(NS.if, 'interfaces-state', ifState('vt0', leaf('admin-status', 'up'), leaf('if-index', '5'), el('statistics', leaf('discontinuity-time', '2026-11-24T10:00:00Z')))), NACM_STATE);
add('if-state-missing-stats', 'data', top(NS.if, 'interfaces-state', ifState('vt0', leaf('admin-status', 'up'), leaf('oper-status', 'up'), leaf('if-index', '5'))), NACM_STATE);
add('if-state-ifindex-0', 'data', top(NS.if, 'interfaces-state', ifState('vt0', leaf('admin-status', 'up'), leaf('oper-status', 'up'), leaf('if-index', '0'), el('statistics', leaf('discontinuity-time', '2026-11-24T10:00:00Z')))), NACM_STATE);
add('if-state-phys-address', 'data', top(NS.if, 'interfaces-state', ifState('vt0', ...IFS_REQ, leaf('phys-address', '02:00:00:00:00:01'))), NACM_STATE);
add('if-state-phys-address-bad', 'data', top(NS.if, 'interfaces-state', ifState('vt0', ...IFS_REQ, leaf('phys-address', '02-00-00-00-00-01'))), NACM_STATE);
add('if-state-oper-bad', 'data', top(NS.if, 'interfaces-state', ifState('vt0', leaf('admin-status', 'up'), leaf('oper-status', 'sideways'), leaf('if-index', '5'), el('statistics', leaf('discontinuity-time', '2026-11-24T10:00:00Z')))), NACM_STATE);
add('if-state-speed-gauge64', 'data', top(NS.if, 'interfaces-state', ifState('vt0', ...IFS_REQ, leaf('speed', '10000000000'))), NACM_STATE);
add('if-state-higher-layer-leafref', 'data', top(NS.if, 'interfaces-state', ifState('vt0', ...IFS_REQ, leaf('higher-layer-if', 'vt9'))), NACM_STATE);
add('if-state-higher-layer-ok', 'data', top(NS.if, 'interfaces-state', ifState('vt0', ...IFS_REQ, leaf('higher-layer-if', 'vt1')), ifState('vt1', leaf('admin-status', 'up'), leaf('oper-status', 'up'), leaf('if-index', '6'), el('statistics', leaf('discontinuity-time', '2026-11-24T10:00:00Z')))), NACM_STATE);

// ------------------------------------------------ ietf-system
function system(...children: string[]): string {
  return top(NS.sys, 'system', ...children);
}
function user(name: string, ...children: string[]): string {
  return el('user', leaf('name', name), ...children);
}
add('sys-hostname', 'config', system(leaf('hostname', 'iap1.example.net'), leaf('contact', 'noc'), leaf('location', 'rack 4')));
for (const v of ['-bad-', 'a..b', 'a b', '']) add(`sys-hostname-bad-${safe(v)}`, 'config', system(leaf('hostname', v)));
add('sys-tz-name', 'config', system(el('clock', leaf('timezone-name', 'Europe/Berlin'))));
add('sys-tz-offset', 'config', system(el('clock', leaf('timezone-utc-offset', '-300'))));
add('sys-tz-both-cases', 'config', system(el('clock', leaf('timezone-name', 'UTC'), leaf('timezone-utc-offset', '0'))));
for (const v of ['1501', '-1501', 'x']) add(`sys-tz-offset-bad-${safe(v)}`, 'config', system(el('clock', leaf('timezone-utc-offset', v))));
add('sys-ntp-ok', 'config', system(el('ntp', el('server', leaf('name', 'a'), el('udp', leaf('address', '192.0.2.123'))))));
add('sys-ntp-no-transport', 'config', system(el('ntp', el('server', leaf('name', 'a')))));
add('sys-ntp-no-address', 'config', system(el('ntp', el('server', leaf('name', 'a'), el('udp', leaf('port', '123'))))));
add('sys-ntp-host-name', 'config', system(el('ntp', el('server', leaf('name', 'a'), el('udp', leaf('address', 'ntp.example.net'))))));
add('sys-ntp-assoc-bad', 'config', system(el('ntp', el('server', leaf('name', 'a'), el('udp', leaf('address', '192.0.2.1')), leaf('association-type', 'friend')))));
add('sys-ntp-enabled-only', 'config', system(el('ntp', leaf('enabled', 'false'))));
add('sys-dns-ok', 'config', system(el('dns-resolver', leaf('search', 'example.net'), el('server', leaf('name', 'd1'), el('udp-and-tcp', leaf('address', '192.0.2.53'))))));
add('sys-dns-hostname-address', 'config', system(el('dns-resolver', el('server', leaf('name', 'd1'), el('udp-and-tcp', leaf('address', 'dns.example.net'))))));
add('sys-dns-timeout-0', 'config', system(el('dns-resolver', el('options', leaf('timeout', '0')))));
add('sys-dns-timeout-255', 'config', system(el('dns-resolver', el('options', leaf('timeout', '255')))));
add('sys-dns-search-dup', 'config', system(el('dns-resolver', leaf('search', 'a.example'), leaf('search', 'a.example'))));
add('sys-radius-ok', 'config', system(el('radius', el('server', leaf('name', 'r1'), el('udp', leaf('address', '192.0.2.5'), leaf('shared-secret', 'x'))))));
add('sys-radius-no-secret', 'config', system(el('radius', el('server', leaf('name', 'r1'), el('udp', leaf('address', '192.0.2.5'))))));
add('sys-radius-auth-type', 'config', system(el('radius', el('server', leaf('name', 'r1'), el('udp', leaf('address', '192.0.2.5'), leaf('shared-secret', 'x')), leaf('authentication-type', 'sys:radius-chap', `xmlns:sys="${NS.sys}"`)))));
add('sys-radius-auth-type-wrong-base', 'config', system(el('radius', el('server', leaf('name', 'r1'), el('udp', leaf('address', '192.0.2.5'), leaf('shared-secret', 'x')), leaf('authentication-type', 'sys:local-users', `xmlns:sys="${NS.sys}"`)))));
const AUTH_ORDER = (v: string): string => leaf('user-authentication-order', v, `xmlns:sys="${NS.sys}"`);
add('sys-auth-order-local', 'config', system(el('authentication', AUTH_ORDER('sys:local-users'))));
add('sys-auth-order-radius-without-server', 'config', system(el('authentication', AUTH_ORDER('sys:radius'))));
add('sys-auth-order-radius-with-server', 'config', system(el('radius', el('server', leaf('name', 'r1'), el('udp', leaf('address', '192.0.2.5'), leaf('shared-secret', 'x')))), el('authentication', AUTH_ORDER('sys:radius'))));
add('sys-auth-order-unknown', 'config', system(el('authentication', AUTH_ORDER('sys:tacacs'))));
add('sys-user-ok', 'config', system(el('authentication', user('admin', leaf('password', '$0$secret')))));
add('sys-user-md5-hash', 'config', system(el('authentication', user('admin', leaf('password', '$1$abcdefgh$' + 'A'.repeat(22))))));
add('sys-user-sha512-hash', 'config', system(el('authentication', user('admin', leaf('password', '$6$saltsalt$' + 'b'.repeat(86))))));
add('sys-user-sha256-rounds', 'config', system(el('authentication', user('admin', leaf('password', '$5$rounds=5000$salt$' + 'c'.repeat(43))))));
for (const v of ['secret', '$1$abc$short', '$6$salt$' + 'b'.repeat(85), '$9$x', '0$secret']) add(`sys-user-password-bad-${safe(v)}`, 'config', system(el('authentication', user('admin', leaf('password', v)))));
const KEY = (name: string, alg?: string, data?: string): string => el('authorized-key', leaf('name', name), alg !== undefined ? leaf('algorithm', alg) : '', data !== undefined ? leaf('key-data', data) : '');
add('sys-user-key-ok', 'config', system(el('authentication', user('admin', KEY('k1', 'ssh-ed25519', 'AAAAC3NzaC1lZDI1NTE5AAAAIA==')))));
add('sys-user-key-no-alg', 'config', system(el('authentication', user('admin', KEY('k1', undefined, 'AAAA')))));
add('sys-user-key-no-data', 'config', system(el('authentication', user('admin', KEY('k1', 'ssh-rsa')))));
for (const v of ['AAAA', 'AA==', 'QQ==', 'YWJj', '', 'AAAA\nBBBB']) add(`sys-user-key-b64-${safe(v)}`, 'config', system(el('authentication', user('admin', KEY('k1', 'ssh-rsa', v)))));
for (const v of ['A', 'AAA', '!!!!', 'AA=A', 'A===']) add(`sys-user-key-b64-bad-${safe(v)}`, 'config', system(el('authentication', user('admin', KEY('k1', 'ssh-rsa', v)))));
add('sys-user-dup', 'config', system(el('authentication', user('a'), user('a'))));
add('sys-state-in-config', 'config', top(NS.sys, 'system-state', el('platform', leaf('os-name', 'Linux'))));
add('sys-state-in-data', 'data', top(NS.sys, 'system-state', el('platform', leaf('os-name', 'Linux')), el('clock', leaf('current-datetime', '2026-11-24T10:00:00Z'))), NACM_STATE);

// ------------------------------------------------ nacm
function nacm(...children: string[]): string {
  return top(NS.nacm, 'nacm', ...children);
}
function rule(name: string, ...children: string[]): string {
  return el('rule', leaf('name', name), ...children);
}
function ruleList(name: string, groups: string[], ...rules: string[]): string {
  return el('rule-list', leaf('name', name), ...groups.map((g) => leaf('group', g)), ...rules);
}
const FLOWTAP_PATH = (p: string, decl = `xmlns:fts="${NS.fts}"`): string => leaf('path', p, decl);
add('nacm-factory', 'config', nacm(
  leaf('enable-nacm', 'true'),
  el('groups', el('group', leaf('name', 'admin'), leaf('user-name', 'root')), el('group', leaf('name', 'flow-tap')), el('group', leaf('name', 'flow-tap-control'))),
  ruleList('admin', ['admin'], rule('all', leaf('module-name', '*'), leaf('access-operations', '*'), leaf('action', 'permit'))),
  ruleList('li-read', ['flow-tap', 'flow-tap-control'], rule('ft', leaf('module-name', 'flowtapd-services'), FLOWTAP_PATH('/fts:services/fts:flow-tap'), leaf('access-operations', 'read'), leaf('action', 'permit'))),
  ruleList('li-write', ['flow-tap-control'], rule('ft', leaf('module-name', 'flowtapd-services'), FLOWTAP_PATH('/fts:services'), leaf('access-operations', 'create update delete'), leaf('action', 'permit')), rule('clear', leaf('rpc-name', 'clear-mirror-session'), leaf('access-operations', 'exec'), leaf('action', 'permit')), rule('notif', leaf('notification-name', 'mirror-session-event'), leaf('action', 'permit'))),
));
add('nacm-factory-data', 'data', nacm(leaf('enable-nacm', 'true'), leaf('denied-operations', '3'), leaf('denied-data-writes', '1'), leaf('denied-notifications', '0')));
add('nacm-counters-in-config', 'config', nacm(leaf('denied-operations', '0')));
add('nacm-partial-counters', 'data', nacm(leaf('denied-operations', '0'), leaf('denied-data-writes', '0')));
add('nacm-counter-bad', 'data', nacm(leaf('denied-operations', '-1'), leaf('denied-data-writes', '0'), leaf('denied-notifications', '0')));
for (const v of ['permit', 'deny']) add(`nacm-read-default-${v}`, 'config', nacm(leaf('read-default', v)));
add('nacm-read-default-bad', 'config', nacm(leaf('read-default', 'allow')));
add('nacm-enable-bad', 'config', nacm(leaf('enable-nacm', 'maybe')));
add('nacm-group-star', 'config', nacm(el('groups', el('group', leaf('name', '*')))));
add('nacm-group-user-empty', 'config', nacm(el('groups', el('group', leaf('name', 'g'), leaf('user-name', '')))));
add('nacm-rule-list-group-star', 'config', nacm(ruleList('r', ['*'])));
add('nacm-rule-no-action', 'config', nacm(ruleList('r', ['g'], rule('x', leaf('module-name', '*')))));
add('nacm-rule-action-bad', 'config', nacm(ruleList('r', ['g'], rule('x', leaf('action', 'allow')))));
for (const v of ['*', 'read', 'create read update delete exec', 'exec read', ' read ', 'read  update']) {
  add(`nacm-ops-${safe(v)}`, 'config', nacm(ruleList('r', ['g'], rule('x', leaf('access-operations', v), leaf('action', 'permit')))));
}
for (const v of ['', 'write', 'read read', '**', 'READ']) {
  add(`nacm-ops-bad-${safe(v)}`, 'config', nacm(ruleList('r', ['g'], rule('x', leaf('access-operations', v), leaf('action', 'permit')))));
}
add('nacm-rule-two-cases', 'config', nacm(ruleList('r', ['g'], rule('x', leaf('rpc-name', 'get'), leaf('notification-name', 'n'), leaf('action', 'permit')))));
add('nacm-rule-rpc-and-path', 'config', nacm(ruleList('r', ['g'], rule('x', leaf('rpc-name', 'get'), FLOWTAP_PATH('/fts:services'), leaf('action', 'deny')))));
add('nacm-rule-path-undeclared-prefix', 'config', nacm(ruleList('r', ['g'], rule('x', FLOWTAP_PATH('/zz:services', ''), leaf('action', 'deny')))));
add('nacm-rule-path-no-prefix', 'config', nacm(ruleList('r', ['g'], rule('x', FLOWTAP_PATH('/services', ''), leaf('action', 'deny')))));
add('nacm-rule-path-star', 'config', nacm(ruleList('r', ['g'], rule('x', FLOWTAP_PATH('/', ''), leaf('action', 'deny')))));
add('nacm-rule-list-dup', 'config', nacm(ruleList('r', ['g']), ruleList('r', ['h'])));
add('nacm-rule-dup', 'config', nacm(ruleList('r', ['g'], rule('x', leaf('action', 'deny')), rule('x', leaf('action', 'permit')))));
add('nacm-rule-name-empty', 'config', nacm(ruleList('r', ['g'], rule('', leaf('action', 'deny')))));

// ------------------------------------------------ unknown elements, namespaces, document shape
add('doc-unknown-top', 'config', top(NS.fts, 'service'));
add('doc-unknown-ns', 'config', top('urn:example:nothing', 'services'));
add('doc-no-ns', 'config', '<services><flow-tap/></services>');
add('doc-wrong-ns-top', 'config', top(NS.fta, 'services'));
add('doc-wrong-ns-child', 'config', top(NS.fts, 'services', `<flow-tap xmlns="${NS.fta}"/>`));
add('doc-child-ns-explicit-same', 'config', top(NS.fts, 'services', `<flow-tap xmlns="${NS.fts}"/>`));
add('doc-prefixed-elements', 'config', `<x:services xmlns:x="${NS.fts}"><x:flow-tap/></x:services>`);
add('doc-prefixed-child-wrong', 'config', `<x:services xmlns:x="${NS.fts}" xmlns:y="${NS.fta}"><y:flow-tap/></x:services>`);
add('doc-unknown-child', 'config', top(NS.fts, 'services', '<flow-tap/>', el('bogus')));
add('doc-unknown-deep', 'config', services([leaf('maximum-sessions', '5'), leaf('minimum-sessions', '1')]));
add('doc-leaf-with-child', 'config', services([el('maximum-sessions', el('x'))]));
add('doc-container-with-text', 'config', top(NS.fts, 'services', 'text'));
// (two <services> at the top: yanglint 2.1.30 accepts this when one is empty and
// refuses it for <access>; a libyang quirk, not a rule, so it is not in the corpus)
add('doc-access-twice', 'config', access(), access());
add('doc-rpc-as-data', 'config', top(NS.fts, 'clear-mirror-session', leaf('acct-session-id', 'x')));
add('doc-notif-as-data', 'config', top(NS.fts, 'mirror-session-event', leaf('event', 'started')));
add('doc-comment-and-pi', 'config', `<!-- a comment -->${top(NS.fts, 'services', '<!-- inner --><flow-tap/>')}`);
add('doc-whitespace', 'config', `\n  <services xmlns="${NS.fts}">\n    <flow-tap/>\n    <radius-flow-tap>\n      <maximum-sessions>\n        10\n      </maximum-sessions>\n    </radius-flow-tap>\n  </services>\n`);
add('doc-cdata', 'config', top(NS.fts, 'services', '<flow-tap/>', el('radius-flow-tap', '<maximum-sessions><![CDATA[10]]></maximum-sessions>')));
add('doc-entity', 'config', access(client('198.51.100.10', 'a&amp;b')));
add('doc-char-ref', 'config', services([leaf('subscriber-interfaces', 'eth&#48;')]));
add('doc-malformed', 'config', `<services xmlns="${NS.fts}"><flow-tap></services>`);
add('doc-unknown-attribute', 'config', `<services xmlns="${NS.fts}" foo="bar"><flow-tap/></services>`);
add('doc-nc-operation-attr', 'config', `<services xmlns="${NS.fts}" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="merge"><flow-tap/></services>`);
add('doc-config-wrapper', 'config', `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${top(NS.fts, 'services', '<flow-tap/>')}</config>`);
add('doc-ietf-and-ft-mixed', 'config', BASE_IF, BASE_COS, services(POOL), access(), nacm(leaf('enable-nacm', 'true')), system(leaf('hostname', 'iap1')));

// ------------------------------------------------ defaults and config in data-type documents
add('data-full-config', 'data', BASE_IF, BASE_COS, services([...POOL, leaf('forwarding-class', 'best-effort'), leaf('maximum-sessions', '10')]), access(client('198.51.100.10', 's')), NACM_STATE, subscribers(SUB_OK));
add('data-when-false', 'data', services([leaf('maximum-sessions', '10')], false), NACM_STATE);
add('data-must-src', 'data', BASE_IF, services([leaf('interfaces', 'vt0')]), NACM_STATE);
add('data-leafref-missing', 'data', services([leaf('forwarding-class', 'x')]), NACM_STATE);
add('data-access-ports-equal', 'data', access(leaf('radius-disconnect-port', '1813')), NACM_STATE);

// ------------------------------------------------ combinations: many valid configurations
for (let i = 0; i < 40; i++) {
  const nIf = 1 + (i % 5);
  const names = Array.from({ length: nIf }, (_, k) => `vt${k}`);
  const nCls = i % 4;
  const classes = Array.from({ length: nCls }, (_, k) => ({ name: `fc${k}`, q: String(k % 8), dscp: String((k * 8 + i) % 64) }));
  const parts: string[] = [interfaces(tunnels(...names))];
  if (nCls) parts.push(cos(classes));
  const rft: string[] = names.slice(0, 1 + (i % nIf)).map((n) => leaf('interfaces', n));
  rft.push(leaf('source-ipv4-address', `192.0.2.${(i % 250) + 1}`));
  if (nCls) rft.push(leaf('forwarding-class', `fc${i % nCls}`));
  if (i % 3 === 0) rft.push(el('multicast-interception'));
  if (i % 2 === 0) rft.push(leaf('maximum-sessions', String(1 + ((i * 997) % 65536))));
  for (let k = 0; k < i % 3; k++) rft.push(leaf('subscriber-interfaces', `sub${i}-${k}`));
  for (let p = 0; p < i % 3; p++) {
    const fam = (i + p) % 2 ? 'inet6' : 'inet';
    const src = fam === 'inet' ? `10.${i}.${p}.0/24` : `2001:db8:${i.toString(16)}:${p}::/64`;
    rft.push(policy(`pol${p}`, fam, `t${p}`, leaf('source-address', src), leaf('destination-port', String(1000 + i * 10 + p)), leaf('protocol', ['tcp', 'udp', '17', '132'][(i + p) % 4])));
  }
  parts.push(services(rft));
  const clients = Array.from({ length: i % 4 }, (_, k) => client(k % 2 ? `2001:db8::${k + 1}` : `198.51.100.${k + 1}`, `secret-${i}-${k}`));
  parts.push(access(leaf('radius-disconnect-port', String(3799 + i)), ...clients));
  add(`combo-valid-${String(i).padStart(2, '0')}`, 'config', ...parts);
}

// ------------------------------------------------ combinations: one fault each
const faults: [string, (i: number) => string[]][] = [
  ['no-src', (i) => [interfaces(tunnels('vt0', 'vt1')), services([leaf('interfaces', `vt${i % 2}`), leaf('maximum-sessions', String(i + 1))])]],
  ['max-range', (i) => [services([leaf('maximum-sessions', String(65537 + i * 1000))])]],
  ['no-flow-tap', (i) => [BASE_IF, services([...POOL, leaf('maximum-sessions', String(i + 1))], false)]],
  ['secret-missing', (i) => [access(client(`198.51.100.${i + 1}`, 's'), client(`198.51.100.${i + 100}`))]],
  ['dscp-unique', (i) => [cos([{ name: 'a', dscp: String(i) }, { name: 'b', dscp: String(i + 1) }, { name: 'c', dscp: String(i) }])]],
];
for (const [name, f] of faults) {
  for (let i = 0; i < 4; i++) add(`combo-fault-${name}-${i}`, 'config', ...f(i));
}

// ------------------------------------------------ combinations: LI references to public configuration
// Valid since flowtapd-services 2026-12-06: the pool members and forwarding-class are
// require-instance false and no must checks a member's type, so that the LI configuration
// never constrains what users who cannot read it may change (the agent treats such a
// member as down, such a class as none).
const liRefs: [string, (i: number) => string[]][] = [
  ['member-not-tunnel', (i) => [interfaces([{ name: 'vt0', type: i % 2 ? 'ianaift:ethernetCsmacd' : 'ianaift:l2vlan' }]), services([leaf('interfaces', 'vt0'), leaf('source-ipv4-address', '192.0.2.1')])]],
  ['member-not-configured', (i) => [interfaces(tunnels('vt0')), services([leaf('interfaces', `vt${i + 1}`), leaf('source-ipv4-address', '192.0.2.1')])]],
  ['class-not-configured', (i) => [BASE_COS, services([leaf('forwarding-class', `fc${i}`)])]],
];
for (const [name, f] of liRefs) {
  for (let i = 0; i < 4; i++) add(`combo-li-ref-${name}-${i}`, 'config', ...f(i));
}

// ------------------------------------------------ write (only when run as a script, not when a test runner loads the folder)
if (require.main === module) writeCorpus();

function writeCorpus(): void {
const out = path.join(__dirname, 'corpus', 'gen');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
for (const d of docs) {
  fs.writeFileSync(path.join(out, `${d.name}.${d.type}.xml`), d.parts.join('\n') + '\n');
}
// eslint-disable-next-line no-console
console.log(`wrote ${docs.length} documents to ${path.relative(process.cwd(), out)}`);
}
