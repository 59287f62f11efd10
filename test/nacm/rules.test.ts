/** RFC 8341 rule matching and defaults, on the engine directly (real schema, real data trees). */
import assert from 'node:assert/strict';
import { loadContext } from '../../src/yang/context';
import { IMPLEMENTED_MODULES, searchPath } from '../../src/daemon/modules';
import { parseXml, toXml, validate } from '../../src/yang/data';
import type { DataNode } from '../../src/yang/data/node';
import { findChildByName } from '../../src/yang/data/tree';
import { nacmPolicy } from '../../src/nacm';
import type { SchemaContext } from '../../src/yang/schema';

const NACM = 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm';
const FTS = 'urn:flowtapd:yang:services';
const COS = 'urn:flowtapd:yang:class-of-service';
const ACC = 'urn:flowtapd:yang:access';

let ctx: SchemaContext;

function tree(nacm: string, data = ''): DataNode {
  const t = parseXml(
    ctx,
    `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><nacm xmlns="${NACM}">${nacm}</nacm>${data}</config>`,
    { type: 'config', unwrap: true },
  );
  const errs = validate(ctx, t, { type: 'config' });
  assert.deepEqual(errs.map((e) => e.message), []);
  return t;
}

const DATA =
  `<class-of-service xmlns="${COS}"><forwarding-classes><class><name>be</name><queue-num>0</queue-num></class><class><name>ef</name><queue-num>5</queue-num></class></forwarding-classes></class-of-service>` +
  `<services xmlns="${FTS}"><flow-tap/><radius-flow-tap><maximum-sessions>10</maximum-sessions><policy><name>p1</name></policy><policy><name>p2</name></policy></radius-flow-tap></services>` +
  `<access xmlns="${ACC}"><radius-client><address>192.0.2.1</address><secret>s</secret></radius-client></access>`;

const group = (name: string, ...users: string[]) => `<group><name>${name}</name>${users.map((u) => `<user-name>${u}</user-name>`).join('')}</group>`;
const ruleList = (name: string, groups: string[], rules: string) => `<rule-list><name>${name}</name>${groups.map((g) => `<group>${g}</group>`).join('')}${rules}</rule-list>`;
const rule = (name: string, body: string, action: 'permit' | 'deny', ops = '*') =>
  `<rule><name>${name}</name>${body}<access-operations>${ops}</access-operations><action>${action}</action></rule>`;

/** the node at a chain of local names (first instance at each step) */
function at(t: DataNode, ...names: string[]): DataNode {
  let n = t;
  for (const name of names) {
    const c = n.children.find((k) => k.schema.name === name || (k.schema.kind === 'list' && k.children.some((x) => x.value === name) && k.schema.name !== name && false));
    assert.ok(c, `no ${name} under ${n.schema.name}`);
    n = c;
  }
  return n;
}

function entry(t: DataNode, list: string, key: string, ...path: string[]): DataNode {
  const parent = at(t, ...path);
  const e = parent.children.find((c) => c.schema.name === list && c.children.some((k) => k.value === key));
  assert.ok(e, `no ${list} ${key}`);
  return e;
}

describe('nacm: RFC 8341 rules and defaults (engine)', function () {
  this.timeout(30000);
  before(() => {
    ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
  });

  it('enable-nacm false permits everything; otherwise defaults read permit, write deny, exec permit', () => {
    const off = tree('<enable-nacm>false</enable-nacm>', DATA);
    const a = nacmPolicy(ctx, () => off)('nobody', []);
    assert.equal(a.restricted, false);
    assert.equal(a.canExec('ietf-netconf', 'kill-session'), true);
    const on = tree('', DATA);
    const b = nacmPolicy(ctx, () => on)('nobody', []);
    assert.equal(b.restricted, true);
    assert.equal(b.canRead(at(on, 'class-of-service')), true);
    assert.equal(b.canWrite(entry(on, 'class', 'be', 'class-of-service', 'forwarding-classes'), 'create'), false);
    assert.equal(b.canExec('ietf-netconf', 'get'), true);
  });

  it('default-deny-all hides a subtree and its descendants; default-deny-write (ietf-system authentication) only blocks writes', () => {
    const t = tree(`<write-default>permit</write-default>`, DATA + `<system xmlns="urn:ietf:params:xml:ns:yang:ietf-system"><authentication><user><name>u</name></user></authentication></system>`);
    const a = nacmPolicy(ctx, () => t)('nobody', []);
    const ms = at(t, 'services', 'radius-flow-tap', 'maximum-sessions');
    assert.equal(a.canRead(at(t, 'services')), true);
    assert.equal(a.canRead(at(t, 'services', 'flow-tap')), false);
    assert.equal(a.canRead(ms), false, 'inherited from radius-flow-tap');
    assert.equal(a.canWrite(ms, 'update'), false);
    const secret = at(t, 'access', 'radius-client', 'secret');
    assert.equal(a.canRead(secret), false);
    assert.equal(a.canRead(at(t, 'access', 'radius-client', 'address')), true);
    const user = at(t, 'system', 'authentication', 'user');
    assert.equal(a.canRead(user), true);
    assert.equal(a.canWrite(user, 'create'), false, 'default-deny-write of an ancestor');
    assert.equal(a.canWrite(at(t, 'class-of-service', 'forwarding-classes', 'class'), 'create'), true, 'write-default permit elsewhere');
    assert.equal(a.canReadSchema(ms.schema), false);
    const out = toXml(a.pruneRead(t));
    assert.ok(!out.includes('flow-tap') && !out.includes('<secret>'));
    assert.ok(out.includes('<address>192.0.2.1</address>'));
    assert.ok(!out.includes('<services'), 'an empty non-presence container that could hide something is left out');
    assert.ok(!out.includes('<nacm'), 'the nacm container itself is default-deny-all');
  });

  it('rule-lists in order, all whose group matches ("*" matches every user); the first matching rule wins', () => {
    const t = tree(
      `<groups>${group('ops', 'u1')}${group('other', 'u2')}</groups>` +
        ruleList('l1', ['other'], rule('deny-cos', '<module-name>flowtapd-class-of-service</module-name>', 'deny')) +
        ruleList('l2', ['ops'], rule('read-ft', `<module-name>flowtapd-services</module-name><path xmlns:fts="${FTS}">/fts:services/fts:flow-tap</path>`, 'permit', 'read')) +
        ruleList('l3', ['*'], rule('deny-cos-read', '<module-name>flowtapd-class-of-service</module-name>', 'deny', 'read') + rule('permit-ft', `<module-name>*</module-name><path xmlns:fts="${FTS}">/fts:services/fts:flow-tap</path>`, 'permit', 'update')),
      DATA,
    );
    const p = nacmPolicy(ctx, () => t);
    const u1 = p('u1', []);
    const u2 = p('u2', []);
    const u3 = p('u3', []);
    const ft = at(t, 'services', 'flow-tap');
    const cls = at(t, 'class-of-service');
    assert.equal(u1.canRead(ft), true, 'l2 permits read');
    assert.equal(u2.canRead(ft), false, 'default-deny-all');
    assert.equal(u3.canRead(cls), false, "'*' applies to a user in no group");
    assert.equal(u1.canRead(cls), false);
    assert.equal(u2.canWrite(at(t, 'class-of-service', 'forwarding-classes', 'class'), 'create'), false);
    assert.equal(u3.canWrite(ft, 'update'), true, 'access-operations update only');
    assert.equal(u3.canWrite(ft, 'delete'), false);
    assert.deepEqual([...u1.groups], ['ops']);
  });

  it('path rules: key predicates are evaluated per instance, paths without predicates per schema node; "/" matches every node', () => {
    const t = tree(
      `<groups>${group('g', 'p1')}</groups>` +
        ruleList(
          'l',
          ['g'],
          rule('one-policy', `<module-name>flowtapd-services</module-name><path xmlns:fts="${FTS}">/fts:services/fts:radius-flow-tap/fts:policy[fts:name='p1']</path>`, 'permit', 'read') +
            rule('one-class', `<module-name>*</module-name><path xmlns:ftcos="${COS}">/ftcos:class-of-service/ftcos:forwarding-classes/ftcos:class[ftcos:name='ef']</path>`, 'deny', 'read') +
            rule('root-path', `<module-name>flowtapd-access</module-name><path>/</path>`, 'deny', '*'),
        ),
      DATA,
    );
    const a = nacmPolicy(ctx, () => t)('p1', []);
    const path = ['services', 'radius-flow-tap'];
    assert.equal(a.canRead(entry(t, 'policy', 'p1', ...path)), false, 'its ancestor radius-flow-tap is still default-deny-all');
    const out = toXml(a.pruneRead(t));
    assert.ok(out.includes('<name>be</name>'));
    assert.ok(!out.includes('<name>ef</name>'), 'the entry selected by the key predicate is hidden');
    assert.equal(a.canRead(entry(t, 'class', 'be', 'class-of-service', 'forwarding-classes')), true);
    assert.equal(a.canRead(at(entry(t, 'class', 'ef', 'class-of-service', 'forwarding-classes'), 'queue-num')), false, 'descendants of a selected node match');
    assert.equal(a.canRead(at(t, 'access', 'radius-client', 'address')), false, "path '/' with module flowtapd-access: every node of that module");
    // a permit on radius-flow-tap's policy p1 for user p1 once the container is readable
    const t2 = tree(
      `<groups>${group('g', 'p1')}</groups>` +
        ruleList('l', ['g'], rule('rft', `<module-name>flowtapd-services</module-name><path xmlns:fts="${FTS}">/fts:services/fts:radius-flow-tap</path>`, 'permit', 'read') + rule('deny-other-policies', `<module-name>flowtapd-services</module-name><path xmlns:fts="${FTS}">/fts:services/fts:radius-flow-tap/fts:policy[fts:name='p2']</path>`, 'deny', 'read')),
      DATA,
    );
    // rule order: rft matches every descendant of radius-flow-tap first
    const b = nacmPolicy(ctx, () => t2)('p1', []);
    assert.equal(b.canRead(entry(t2, 'policy', 'p2', ...path)), true);
    const t3 = tree(
      `<groups>${group('g', 'p1')}</groups>` +
        ruleList('l', ['g'], rule('deny-other-policies', `<module-name>flowtapd-services</module-name><path xmlns:fts="${FTS}">/fts:services/fts:radius-flow-tap/fts:policy[fts:name='p2']</path>`, 'deny', 'read') + rule('rft', `<module-name>flowtapd-services</module-name><path xmlns:fts="${FTS}">/fts:services/fts:radius-flow-tap</path>`, 'permit', 'read')),
      DATA,
    );
    const c = nacmPolicy(ctx, () => t3)('p1', []);
    assert.equal(c.canRead(entry(t3, 'policy', 'p2', ...path)), false);
    assert.equal(c.canRead(entry(t3, 'policy', 'p1', ...path)), true);
    assert.equal(c.canRead(at(t3, 'services', 'radius-flow-tap', 'maximum-sessions')), true);
    const view = toXml(c.readView(t3));
    assert.ok(view.includes('<name>p1</name>') && !view.includes('<name>p2</name>'));
    assert.equal(toXml(c.pruneRead(t3)), view, 'readView and pruneRead show the same');
  });

  it('module-name limits a rule to its module; rpc-name and notification-name rules do not match data', () => {
    const t = tree(
      `<read-default>deny</read-default><groups>${group('g', 'u')}</groups>` +
        ruleList('l', ['g'], rule('rpc', '<module-name>*</module-name><rpc-name>*</rpc-name>', 'permit') + rule('n', '<module-name>*</module-name><notification-name>*</notification-name>', 'permit') + rule('cos', '<module-name>flowtapd-class-of-service</module-name>', 'permit', 'read')),
      DATA,
    );
    const a = nacmPolicy(ctx, () => t)('u', []);
    assert.equal(a.canRead(at(t, 'class-of-service')), true);
    assert.equal(a.canRead(at(t, 'access')), false, 'read-default deny');
    assert.equal(a.canExec('flowtapd-services', 'clear-mirror-session'), true, 'an explicit rpc rule beats default-deny-all');
    assert.equal(a.canNotify('flowtapd-services', 'mirror-session-event'), true);
  });

  it('exec: close-session always; kill-session and delete-config need a rule; default-deny-all RPCs; exec-default', () => {
    const t = tree(
      `<exec-default>deny</exec-default><groups>${group('g', 'u')}</groups>` + ruleList('l', ['*'], rule('no-close', '<module-name>ietf-netconf</module-name><rpc-name>close-session</rpc-name>', 'deny', 'exec')),
      '',
    );
    const a = nacmPolicy(ctx, () => t)('u', []);
    assert.equal(a.canExec('ietf-netconf', 'close-session'), true);
    assert.equal(a.canExec('ietf-netconf', 'get'), false, 'exec-default deny');
    const t2 = tree(`<groups>${group('g', 'u')}</groups>` + ruleList('l', ['g'], rule('kill', '<module-name>ietf-netconf</module-name><rpc-name>kill-session</rpc-name>', 'permit', 'exec')), '');
    const b = nacmPolicy(ctx, () => t2)('u', []);
    assert.equal(b.canExec('ietf-netconf', 'kill-session'), true);
    assert.equal(b.canExec('ietf-netconf', 'delete-config'), false);
    assert.equal(b.canExec('ietf-netconf', 'get-config'), true);
    assert.equal(b.canExec('flowtapd-services', 'clear-mirror-session'), false);
    assert.equal(b.canExec('ietf-system', 'system-restart'), false);
    assert.equal(b.canExec('flowtapd-system', 'rollback'), true);
  });

  it('notifications: default-deny-all events; netconf-config-change only with a readable edit, edits pruned per receiver', () => {
    const t = tree('', DATA);
    const a = nacmPolicy(ctx, () => t)('u', []);
    assert.equal(a.canNotify('flowtapd-services', 'mirror-session-event'), false);
    const ev = (targets: string[]) =>
      parseXml(
        ctx,
        `<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"><eventTime>2026-01-01T00:00:00Z</eventTime><netconf-config-change xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"><datastore>running</datastore>${targets
          .map((x) => `<edit><target xmlns:fts="${FTS}" xmlns:ftcos="${COS}">${x}</target><operation>replace</operation></edit>`)
          .join('')}</netconf-config-change></notification>`,
        { type: 'notification' },
      );
    const li = ev(['/fts:services/fts:flow-tap']);
    assert.equal(a.canNotify('ietf-netconf-notifications', 'netconf-config-change', li.children[0]), false);
    const mixed = ev(['/fts:services/fts:radius-flow-tap/fts:maximum-sessions', "/ftcos:class-of-service/ftcos:forwarding-classes/ftcos:class[ftcos:name='be']"]);
    assert.equal(a.canNotify('ietf-netconf-notifications', 'netconf-config-change', mixed.children[0]), true);
    const out = toXml(a.pruneRead(mixed));
    assert.ok(out.includes('class-of-service') && !out.includes('services/'), out);
    assert.ok(toXml(mixed).includes('fts:services'), 'the event itself is unchanged for other receivers');
  });

  it('canReadPath: RFC 7951 and prefixed forms, keys included; unknown paths count as unreadable', () => {
    const t = tree('', DATA);
    const a = nacmPolicy(ctx, () => t)('u', []);
    assert.equal(a.canReadPath('/flowtapd-services:services/flow-tap'), false);
    assert.equal(a.canReadPath("/flowtapd-class-of-service:class-of-service/forwarding-classes/class[name='x']"), true);
    assert.equal(a.canReadPath("/fta:access/fta:radius-client[fta:address='192.0.2.9']/fta:secret", { fta: ACC }), false);
    assert.equal(a.canReadPath("/fta:access/fta:radius-client[fta:address='192.0.2.9']", { fta: ACC }), true);
    assert.equal(a.canReadPath('/nope:x'), false);
  });

  it('restoreHidden puts back what the user could not see; the view follows a new configuration; counters count', () => {
    let running = tree(`<write-default>permit</write-default>`, DATA);
    const p = nacmPolicy(ctx, () => running);
    const a = p('u', []);
    const view = a.pruneRead(running);
    assert.notEqual(view, running);
    // the user deletes everything they see
    view.children = [];
    const back = a.restoreHidden(running, view);
    const out = toXml(back);
    assert.ok(out.includes('<flow-tap/>') && out.includes('<secret>s</secret>') && out.includes('<nacm'));
    assert.ok(!out.includes('<name>be</name>'), 'visible data stays deleted');
    assert.equal(a.canWrite(at(running, 'services', 'flow-tap'), 'delete'), false);
    assert.equal(a.canWrite(at(running, 'services', 'radius-flow-tap', 'maximum-sessions'), 'update'), false);
    assert.equal(p.counters.writes, 1, 'one denied write per request');
    assert.equal(a.canExec('ietf-netconf', 'kill-session'), false);
    assert.equal(p.counters.operations, 1);
    // a commit that gives u the flow-tap group: the same access context follows it
    running = tree(`<groups>${group('flow-tap', 'u')}</groups>` + ruleList('ft', ['flow-tap'], rule('r', `<module-name>flowtapd-services</module-name><path xmlns:fts="${FTS}">/fts:services/fts:flow-tap</path>`, 'permit', 'read')), DATA);
    assert.equal(a.canRead(at(running, 'services', 'flow-tap')), true);
    assert.deepEqual([...a.groups], ['flow-tap']);
    assert.ok(findChildByName(running, 'ietf-netconf-acm', 'nacm'));
  });
});
