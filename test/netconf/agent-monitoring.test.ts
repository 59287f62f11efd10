import assert from 'node:assert/strict';
import { startAgent, Harness, assertOk, dataOf, MON } from './agent-harness';

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
    assert.ok(a.serverCapabilities.some((c) => c.startsWith('urn:ietf:params:netconf:capability:yang-library:1.0?revision=') && c.includes('module-set-id=')));
  });
});
