import assert from 'node:assert/strict';
import { startAgent, Harness, assertOk, dataOf, errorOf, MON } from './agent-harness';

describe('agent: ietf-netconf-monitoring state (RFC 6022)', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  const state = async (c: Awaited<ReturnType<Harness['connect']>>, what: string) =>
    dataOf(await c.rpc(`<get><filter type="subtree"><netconf-state xmlns="${MON}"><${what}/></netconf-state></filter></get>`));

  it('sessions: one entry per session with user, source, login time and counters', async () => {
    const a = await h.connect();
    const b = await h.connect();
    await b.rpc('<get-config><source><running/></source></get-config>');
    await b.rpc('<bogus/>'); // a correct rpc answered with an error
    await b.send('<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get/></rpc>'); // not a correct rpc
    const d = await state(a, 'sessions');
    for (const s of [a, b]) assert.match(d, new RegExp(`<session><session-id>${s.sessionId}</session-id><transport[^>]*>[a-z]+:netconf-ssh</transport><username>admin</username><source-host>127.0.0.1</source-host><login-time>[^<]+</login-time>`));
    const bEntry = new RegExp(`<session><session-id>${b.sessionId}</session-id>[\\s\\S]*?</session>`).exec(d)![0];
    assert.match(bEntry, /<in-rpcs>2<\/in-rpcs><in-bad-rpcs>1<\/in-bad-rpcs><out-rpc-errors>2<\/out-rpc-errors>/);
  });

  it('locks: global-lock with locked-by-session and locked-time', async () => {
    const a = await h.connect();
    assertOk(await a.rpc('<lock><target><running/></target></lock>'));
    const d = await state(a, 'datastores');
    assert.match(d, new RegExp(`<datastore><name>running</name><locks><global-lock><locked-by-session>${a.sessionId}</locked-by-session><locked-time>\\d{4}-`));
    assert.match(d, /<datastore><name>candidate<\/name><\/datastore>/);
    assertOk(await a.rpc('<unlock><target><running/></target></unlock>'));
    assert.doesNotMatch(await state(a, 'datastores'), /global-lock/);
  });

  it('schemas: every module with version, format yang, namespace and location NETCONF', async () => {
    const a = await h.connect();
    const d = await state(a, 'schemas');
    assert.match(d, /<schema><identifier>flowtapd-services<\/identifier><version>\d{4}-\d\d-\d\d<\/version><format[^>]*>[a-z]+:yang<\/format><namespace>urn:flowtapd:yang:services<\/namespace><location>NETCONF<\/location><\/schema>/);
    assert.match(d, /<identifier>ietf-netconf-monitoring<\/identifier>/);
  });

  it('statistics count sessions and RPCs; capabilities list what the hello announced', async () => {
    const a = await h.connect();
    const s1 = await state(a, 'statistics');
    const num = (s: string, n: string) => Number(new RegExp(`<${n}>(\\d+)</${n}>`).exec(s)![1]);
    await (await h.connect()).rpc('<get/>');
    const s2 = await state(a, 'statistics');
    assert.equal(num(s2, 'in-sessions'), num(s1, 'in-sessions') + 1);
    assert.ok(num(s2, 'in-rpcs') >= num(s1, 'in-rpcs') + 2);
    assert.match(s2, /<netconf-start-time>\d{4}-/);
    const caps = await state(a, 'capabilities');
    for (const cap of a.serverCapabilities) assert.ok(caps.includes(`<capability>${cap.replace(/&/g, '&amp;')}</capability>`), cap);
    assert.ok(a.serverCapabilities.includes('urn:ietf:params:netconf:capability:confirmed-commit:1.1'));
    // and RFC 4741's, without which yuma123's yangcli offers no confirmed commit (test/interop/yangcli)
    assert.ok(a.serverCapabilities.includes('urn:ietf:params:netconf:capability:confirmed-commit:1.0'));
    assert.ok(a.serverCapabilities.some((c) => c.startsWith('urn:ietf:params:netconf:capability:yang-library:1.0?revision=') && c.includes('module-set-id=')));
  });

  it('the hello and yang-library list only the features the agent implements: no url of ietf-netconf (no :url capability), no NTP or RADIUS client of ietf-system', async () => {
    const a = await h.connect();
    const features = (name: string): string[] | undefined => {
      const cap = a.serverCapabilities.find((c) => c.includes(`?module=${name}&`));
      assert.ok(cap, name);
      return /[?&]features=([^&]*)/.exec(cap)?.[1].split(',');
    };
    assert.deepEqual(features('ietf-netconf'), ['writable-running', 'candidate', 'confirmed-commit', 'rollback-on-error', 'validate', 'startup', 'xpath']);
    assert.deepEqual(features('ietf-system'), ['authentication', 'local-users']);
    assert.deepEqual(features('ietf-interfaces'), ['arbitrary-names', 'pre-provisioning']);
    assert.deepEqual(features('iana-crypt-hash'), ['crypt-hash-md5', 'crypt-hash-sha-256', 'crypt-hash-sha-512'], 'the hashes the agent reads');
    assert.ok(!a.serverCapabilities.some((c) => c.startsWith('urn:ietf:params:netconf:capability:url:')));
    const lib = dataOf(await a.rpc('<get><filter type="subtree"><modules-state xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-library"><module><name>ietf-netconf</name></module></modules-state></filter></get>'));
    const listed = [...lib.matchAll(/<feature>([^<]+)<\/feature>/g)].map((m) => m[1]);
    assert.deepEqual(listed, ['writable-running', 'candidate', 'confirmed-commit', 'rollback-on-error', 'validate', 'startup', 'xpath']);
    // a <url> is what a server without :url answers
    const e = errorOf(await a.rpc('<edit-config><target><candidate/></target><url>file:///tmp/x.xml</url></edit-config>'));
    assert.deepEqual([e.type, e.tag, e.info['bad-element']], ['protocol', 'operation-not-supported', 'url']);
    // and config of a feature that is off is not in the schema
    const ntp = errorOf(await a.rpc('<edit-config><target><candidate/></target><config><system xmlns="urn:ietf:params:xml:ns:yang:ietf-system"><ntp><enabled>true</enabled></ntp></system></config></edit-config>'));
    assert.equal(ntp.tag, 'unknown-element');
    assert.match(ntp.message ?? '', /unknown element "ntp" in "system": it needs feature ntp of ietf-system, which is not enabled/);
  });
});
