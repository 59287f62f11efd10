import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unknownParam, startAgent, Harness, errorOf, MON } from './agent-harness';

describe('netconf ops: get-schema (RFC 6022 3.1)', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

  it('returns the YANG source of a project module, byte for byte', async () => {
    const c = await h.connect();
    const r = await c.rpc(`<get-schema xmlns="${MON}"><identifier>flowtapd-services</identifier><format>yang</format></get-schema>`);
    const m = new RegExp(`<data xmlns="${MON}">([\\s\\S]*)</data>`).exec(r);
    assert.ok(m, r.slice(0, 500));
    const src = fs.readFileSync(path.join(__dirname, '../../yang/flowtapd-services.yang'), 'utf8');
    assert.equal(unescape(m[1]), src);
  });

  it('with a version; standard modules too; every schema listed in netconf-state can be fetched', async () => {
    const c = await h.connect();
    const list = await c.rpc(`<get><filter type="subtree"><netconf-state xmlns="${MON}"><schemas/></netconf-state></filter></get>`);
    const schemas = [...list.matchAll(/<schema><identifier>([^<]+)<\/identifier><version>([^<]*)<\/version>/g)].map((x) => [x[1], x[2]]);
    assert.ok(schemas.length >= 10);
    const replies = await Promise.all(
      schemas.map(([id, v]) => c.rpc(`<get-schema xmlns="${MON}"><identifier>${id}</identifier><version>${v}</version><format xmlns:ncm="${MON}">ncm:yang</format></get-schema>`)),
    );
    replies.forEach((r, i) => assert.match(r, new RegExp(`module ${schemas[i][0]} `), schemas[i][0]));
  });

  it('unknown module, wrong version, unsupported format: invalid-value; no identifier: missing-element', async () => {
    const c = await h.connect();
    assert.equal(errorOf(await c.rpc(`<get-schema xmlns="${MON}"><identifier>nope</identifier></get-schema>`)).tag, 'invalid-value');
    assert.equal(errorOf(await c.rpc(`<get-schema xmlns="${MON}"><identifier>ietf-interfaces</identifier><version>1999-01-01</version></get-schema>`)).tag, 'invalid-value');
    assert.equal(errorOf(await c.rpc(`<get-schema xmlns="${MON}"><identifier>ietf-interfaces</identifier><format>xsd</format></get-schema>`)).tag, 'invalid-value');
    assert.equal(errorOf(await c.rpc(`<get-schema xmlns="${MON}"/>`)).tag, 'missing-element');
  });

  it('an unknown parameter is unknown-element (App. A), also one in the base namespace', async () => {
    const c = await h.connect();
    unknownParam(await c.rpc(`<get-schema xmlns="${MON}"><identifier>ietf-interfaces</identifier><fromat>yang</fromat></get-schema>`), 'fromat');
    const e2 = errorOf(await c.rpc(`<get-schema xmlns="${MON}"><identifier>ietf-interfaces</identifier><format xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">yang</format></get-schema>`));
    assert.deepEqual([e2.tag, e2.info['bad-element']], ['unknown-element', 'format']);
  });
});
