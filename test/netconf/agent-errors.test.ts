import assert from 'node:assert/strict';
import { NetconfClient } from '../../src/netconf/client';
import { unknownParam, startAgent, Harness, assertOk, errorOf, editConfig, cos, NC, FTS, IF, COS } from './agent-harness';

/** RFC 6241 appendix A: error-type, error-tag, error-severity, error-app-tag, error-path, error-info */
describe('agent: rpc-errors exactly as RFC 6241 appendix A', function () {
  this.timeout(30000);
  let h: Harness;
  let c: NetconfClient;
  before(async () => {
    h = await startAgent();
    c = await h.connect();
  });
  after(() => h.stop());
  afterEach(async () => {
    // the session still works after every error
    assert.match(await c.rpc('<get-config><source><running/></source></get-config>'), /<data>/);
  });

  it('missing message-id: rpc / missing-attribute with bad-attribute and bad-element', async () => {
    const r = await c.send(`<rpc xmlns="${NC}"><get/></rpc>`);
    assert.match(r, /^<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><rpc-error>/);
    const e = errorOf(r);
    assert.deepEqual([e.type, e.tag, e.severity], ['rpc', 'missing-attribute', 'error']);
    assert.deepEqual(e.info, { 'bad-attribute': 'message-id', 'bad-element': 'rpc' });
  });

  it('the rpc attributes are echoed on the reply', async () => {
    const r = await c.send(`<rpc xmlns="${NC}" message-id="x&amp;1" xmlns:ex="urn:example" ex:user-id="fred"><get-config><source><running/></source></get-config></rpc>`, 'x&1');
    assert.match(r, /^<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="x&amp;1" xmlns:ex="urn:example" ex:user-id="fred">/);
  });

  it('unknown operation: protocol / operation-not-supported with bad-element', async () => {
    const e = errorOf(await c.rpc('<frobnicate/>'));
    assert.deepEqual([e.type, e.tag, e.severity], ['protocol', 'operation-not-supported', 'error']);
    assert.equal(e.info['bad-element'], 'frobnicate');
    const e2 = errorOf(await c.rpc('<frob xmlns="urn:nowhere"/>'));
    assert.equal(e2.tag, 'operation-not-supported');
  });

  it('an ietf-netconf operation without a namespace is that operation (Ansible netconf_rpc without xmlns); another module\'s is not', async () => {
    const r = await c.send(`<nc:rpc xmlns:nc="${NC}" message-id="u1"><get-config><source><running/></source><filter type="subtree"><class-of-service xmlns="${COS}"/></filter></get-config></nc:rpc>`, 'u1');
    assert.match(r, /<data>/);
    assertOk(await c.send(`<nc:rpc xmlns:nc="${NC}" message-id="u2"><discard-changes/></nc:rpc>`, 'u2'));
    // its parameters are checked as the qualified operation's are
    unknownParam(await c.send(`<nc:rpc xmlns:nc="${NC}" message-id="u3"><get><bogus/></get></nc:rpc>`, 'u3'), 'bogus');
    // get-schema and create-subscription are ietf-netconf-monitoring's and notifications', never unqualified
    for (const op of ['get-schema', 'create-subscription']) {
      const e = errorOf(await c.send(`<nc:rpc xmlns:nc="${NC}" message-id="u4"><${op}/></nc:rpc>`, 'u4'));
      assert.deepEqual([e.tag, e.info['bad-element']], ['operation-not-supported', op]);
      const q = errorOf(await c.rpc(`<${op}/>`));
      assert.deepEqual([q.tag, q.info['bad-element']], ['operation-not-supported', op], `<${op}> in the base namespace`);
    }
  });

  it('malformed XML: rpc / malformed-message; the session keeps working and others are unaffected', async () => {
    const other = await h.connect();
    const r = await c.send(`<rpc xmlns="${NC}" message-id="9"><get></rpc>`);
    const e = errorOf(r);
    assert.deepEqual([e.type, e.tag], ['rpc', 'malformed-message']);
    assert.match(await other.rpc('<get-config><source><running/></source></get-config>'), /<data>/);
  });

  it('malformed XML on a base:1.0 session: rpc / operation-failed, never malformed-message (appendix A: not to old clients)', async () => {
    const old = await NetconfClient.connect({ port: h.port, username: 'admin', password: 'pw', base: '1.0' });
    try {
      assert.equal(old.base, '1.0');
      const r = await old.send(`<rpc xmlns="${NC}" message-id="5"><get></rpc>`);
      assert.doesNotMatch(r, /malformed-message/);
      const e = errorOf(r);
      assert.deepEqual([e.type, e.tag], ['rpc', 'operation-failed']);
      assert.match(await old.rpc('<get-config><source><running/></source></get-config>'), /<data>/);
    } finally {
      old.destroy();
    }
  });

  it('DOCTYPE and entities are refused with malformed-message', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><rpc xmlns="${NC}" message-id="10"><get>&lol2;</get></rpc>`;
    assert.equal(errorOf(await c.send(bomb)).tag, 'malformed-message');
    const ext = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rpc xmlns="${NC}" message-id="11">&x;</rpc>`;
    const r = await c.send(ext);
    assert.equal(errorOf(r).tag, 'malformed-message');
    assert.doesNotMatch(r, /root:/);
  });

  it('unknown element in config: application / unknown-element with bad-element and the parent path', async () => {
    const e = errorOf(await c.rpc(editConfig('candidate', cos('<class><name>a</name><colour>red</colour></class>'))));
    assert.deepEqual([e.type, e.tag, e.severity], ['application', 'unknown-element', 'error']);
    assert.equal(e.info['bad-element'], 'colour');
    assert.match(e.path ?? '', /class\[[a-z]+:name='a'\]$/);
    const e2 = errorOf(await c.rpc(editConfig('candidate', '<gadget xmlns="urn:nowhere"/>')));
    assert.equal(e2.tag, 'unknown-namespace');
    assert.equal(e2.info['bad-namespace'], 'urn:nowhere');
  });

  it('bad value: application / invalid-value with the leaf in error-path (prefixes declared)', async () => {
    const r = await c.rpc(editConfig('candidate', cos('<class><name>a</name><queue-num>9</queue-num></class>')));
    const e = errorOf(r);
    assert.deepEqual([e.type, e.tag], ['application', 'invalid-value']);
    assert.match(e.path ?? '', /^\/([a-z]+):class-of-service\/\1:forwarding-classes\/\1:class\[\1:name='a'\]\/\1:queue-num$/);
    assert.match(r, new RegExp(`<error-path xmlns:[a-z]+="${COS}">`));
    assert.ok(e.message && e.message.length > 0);
  });

  it('a must violation on commit: operation-failed / must-violation with the path of the failing node', async () => {
    const IANA = 'urn:ietf:params:xml:ns:yang:iana-if-type';
    assertOk(
      await c.rpc(
        editConfig(
          'candidate',
          `<interfaces xmlns="${IF}"><interface><name>eth7</name><type xmlns:ianaift="${IANA}">ianaift:ethernetCsmacd</type></interface></interfaces><services xmlns="${FTS}"><flow-tap/><radius-flow-tap><interfaces>eth7</interfaces></radius-flow-tap></services>`,
        ),
      ),
    );
    const e = errorOf(await c.rpc('<commit/>'));
    assert.deepEqual([e.type, e.tag, e.severity, e.appTag], ['application', 'operation-failed', 'error', 'must-violation']);
    assert.match(e.path ?? '', /^\/[a-z]+:services\/[a-z]+:radius-flow-tap$/);
    assertOk(await c.rpc('<discard-changes/>'));
  });

  it('data-exists and data-missing carry error-path', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos('<class><name>dup</name></class>'))));
    const e = errorOf(await c.rpc(editConfig('candidate', cos(`<class xmlns:nc="${NC}" nc:operation="create"><name>dup</name></class>`))));
    assert.deepEqual([e.type, e.tag], ['application', 'data-exists']);
    assert.ok(e.path);
    const e2 = errorOf(await c.rpc(editConfig('candidate', cos(`<class xmlns:nc="${NC}" nc:operation="delete"><name>ghost</name></class>`))));
    assert.deepEqual([e2.type, e2.tag], ['application', 'data-missing']);
    assert.ok(e2.path);
    assertOk(await c.rpc('<discard-changes/>'));
  });

  it('a wrong root element, an empty rpc and two operations in one rpc: error-type protocol (appendix A allows no rpc for these tags)', async () => {
    unknownParam(await c.send(`<hello xmlns="${NC}"/>`), 'hello');
    unknownParam(await c.send('<rpc xmlns="urn:wrong" message-id="7"><get/></rpc>'), 'rpc');
    const m = errorOf(await c.send(`<rpc xmlns="${NC}" message-id="8"></rpc>`, '8'));
    assert.deepEqual([m.type, m.tag, m.info['bad-element']], ['protocol', 'missing-element', 'rpc']);
    const e2 = errorOf(await c.rpc('<get/><get/>'));
    assert.deepEqual([e2.type, e2.tag], ['protocol', 'bad-element']);
  });

  it('a broken chunk header ends only that session, with malformed-message', async () => {
    const v = await h.connect();
    const other = await h.connect();
    const closed = new Promise<void>((r) => v.once('close', () => r()));
    v.writeRaw('\n#abc\n');
    await closed;
    assert.match(await other.rpc('<get-config><source><running/></source></get-config>'), /<data>/);
  });
});
