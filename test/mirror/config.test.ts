import { strict as assert } from 'assert';
import { loadContext } from '../../src/yang/context';
import { parseXml, validate } from '../../src/yang/data';
import { IMPLEMENTED_MODULES, searchPath } from '../../src/daemon/modules';
import { readMirrorConfig, sameConfig } from '../../src/mirror/config';

const CONFIG = `
<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces" xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">
  <interface><name>vt0</name><type>ianaift:tunnel</type></interface>
  <interface><name>vt1</name><type>ianaift:tunnel</type><enabled>false</enabled></interface>
</interfaces>
<class-of-service xmlns="urn:flowtapd:yang:class-of-service">
  <forwarding-classes><class><name>li</name><queue-num>3</queue-num><dscp>46</dscp></class></forwarding-classes>
</class-of-service>
<services xmlns="urn:flowtapd:yang:services">
  <flow-tap/>
  <radius-flow-tap>
    <interfaces>vt0</interfaces><interfaces>vt1</interfaces>
    <source-ipv4-address>192.0.2.1</source-ipv4-address>
    <forwarding-class>li</forwarding-class>
    <maximum-sessions>10</maximum-sessions>
    <subscriber-interfaces>eth1</subscriber-interfaces>
    <policy><name>p</name><inet><drop-policy><name>no-dns</name><from>
      <destination-port>53</destination-port><protocol>udp</protocol><protocol>tcp</protocol>
    </from></drop-policy></inet></policy>
  </radius-flow-tap>
</services>
<access xmlns="urn:flowtapd:yang:access">
  <radius-disconnect-port>13799</radius-disconnect-port>
  <radius-client><address>198.51.100.7</address><secret>s3cret</secret></radius-client>
</access>`;

describe('mirror: the LI configuration read from running', () => {
  it('reads pool (with ietf-interfaces enabled), source, DSCP of the forwarding class, limits, RADIUS and expanded drop rules', () => {
    const ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
    const tree = parseXml(ctx, CONFIG, { type: 'config' });
    assert.deepEqual(validate(ctx, tree, { type: 'config' }).map((e) => e.message), []);
    const c = readMirrorConfig(tree);
    assert.equal(c.flowTap, true);
    assert.deepEqual(c.pool, [
      { name: 'vt0', enabled: true },
      { name: 'vt1', enabled: false },
    ]);
    assert.equal(c.sourceIpv4, '192.0.2.1');
    assert.equal(c.dscp, 46);
    assert.equal(c.maximumSessions, 10);
    assert.deepEqual(c.subscriberInterfaces, ['eth1']);
    assert.deepEqual(c.dropRules, [
      { family: 4, destinationPort: 53, protocol: 17 },
      { family: 4, destinationPort: 53, protocol: 6 },
    ]);
    assert.equal(c.radius.coaPort, 13799);
    assert.equal(c.radius.acctPort, 1813, 'the YANG default');
    assert.deepEqual(c.radius.clients, [{ address: '198.51.100.7', secret: 's3cret' }]);
  });

  it('reads require-message-authenticator of each RADIUS client (set only when true)', () => {
    const ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
    const cfg = CONFIG.replace(
      '<radius-client><address>198.51.100.7</address><secret>s3cret</secret></radius-client>',
      '<radius-client><address>198.51.100.7</address><secret>s3cret</secret><require-message-authenticator>true</require-message-authenticator></radius-client>' +
        '<radius-client><address>198.51.100.8</address><secret>s4cret</secret><require-message-authenticator>false</require-message-authenticator></radius-client>',
    );
    const tree = parseXml(ctx, cfg, { type: 'config' });
    assert.deepEqual(validate(ctx, tree, { type: 'config' }).map((e) => e.message), []);
    const c = readMirrorConfig(tree);
    assert.deepEqual(c.radius.clients, [
      { address: '198.51.100.7', secret: 's3cret', requireMessageAuthenticator: true },
      { address: '198.51.100.8', secret: 's4cret' },
    ]);
  });

  it('the LI configuration does not constrain public configuration: a pool member not configured or not a tunnel, and a missing class, are valid (down / no DSCP)', () => {
    const ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
    const cfg = CONFIG.replace('<interface><name>vt0</name><type>ianaift:tunnel</type></interface>', '<interface><name>vt0</name><type>ianaift:ethernetCsmacd</type></interface>')
      .replace('<interfaces>vt1</interfaces>', '<interfaces>vt1</interfaces><interfaces>vt9</interfaces>')
      .replace('<forwarding-class>li</forwarding-class>', '<forwarding-class>gone</forwarding-class>');
    const tree = parseXml(ctx, cfg, { type: 'config' });
    assert.deepEqual(validate(ctx, tree, { type: 'config' }).map((e) => e.message), [], 'no error a public edit could trip over');
    const c = readMirrorConfig(tree);
    assert.deepEqual(c.pool, [
      { name: 'vt0', enabled: true, unusable: 'not-a-tunnel' },
      { name: 'vt1', enabled: false },
      { name: 'vt9', enabled: true, unusable: 'not-configured' },
    ]);
    assert.equal(c.dscp, undefined, "a missing class: the packet's own DSCP");
  });

  it('without flow-tap there is no pool and nothing to select', () => {
    const ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
    const tree = parseXml(ctx, '<access xmlns="urn:flowtapd:yang:access"/>', { type: 'config' });
    const c = readMirrorConfig(tree);
    assert.equal(c.flowTap, false);
    assert.deepEqual(c.pool, []);
    assert.equal(c.maximumSessions, 2048);
    assert.equal(c.radius.coaPort, 3799);
  });

  it('sameConfig tells a changed configuration from an equal one (every commit asks it)', () => {
    const ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
    const read = (xml: string) => {
      const tree = parseXml(ctx, `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${xml}</config>`, { type: 'config', unwrap: true });
      validate(ctx, tree, { type: 'config' });
      return readMirrorConfig(tree);
    };
    const base = read(CONFIG);
    assert.ok(sameConfig(base, read(CONFIG)), 'read twice from the same text');
    // a change of what mirroring depends on, one at a time: each is seen
    const changes: [string, string][] = [
      ['<enabled>false</enabled>', ''],
      ['<dscp>46</dscp>', '<dscp>45</dscp>'],
      ['<maximum-sessions>10</maximum-sessions>', '<maximum-sessions>11</maximum-sessions>'],
      ['<source-ipv4-address>192.0.2.1</source-ipv4-address>', ''],
      ['<interfaces>vt1</interfaces>', ''],
      ['<protocol>tcp</protocol>', ''],
      ['<secret>s3cret</secret>', '<secret>other</secret>'],
      ['<flow-tap/>', ''],
    ];
    for (const [from, to] of changes) {
      assert.ok(CONFIG.includes(from), from);
      const other = read(CONFIG.replace(from, to));
      assert.equal(sameConfig(base, other), false, `${from} -> ${to || 'nothing'}`);
      assert.equal(sameConfig(other, base), false, `${to || 'nothing'} -> ${from}`);
      // the same verdict as comparing the two as JSON text
      assert.notEqual(JSON.stringify(base), JSON.stringify(other));
    }
    // members absent and undefined are the same; order of members does not matter; NaN equals NaN
    assert.ok(sameConfig({ a: 1, b: undefined }, { a: 1 }));
    assert.ok(sameConfig({ a: 1, b: [1, 'x'] }, { b: [1, 'x'], a: 1 }));
    assert.ok(sameConfig({ n: NaN }, { n: NaN }));
    assert.equal(sameConfig({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(sameConfig({ a: [1] }, { a: { 0: 1 } }), false);
    assert.equal(sameConfig({ a: null }, { a: {} }), false);
  });
});
