import assert from 'node:assert/strict';
import type { NetconfClient } from '../../src/netconf/client';
import { startAgent, Harness, assertOk, errorOf, dataOf, editConfig, cos, klass, COS, MON, WD, ACC } from './agent-harness';

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

  it('a subtree filter on state data', async () => {
    const d = dataOf(await c.rpc(`<get><filter type="subtree"><netconf-state xmlns="${MON}"><sessions/></netconf-state></filter></get>`));
    assert.match(d, new RegExp(`<session><session-id>${c.sessionId}</session-id>`));
    assert.doesNotMatch(d, /<schemas>|class-of-service/);
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
});
