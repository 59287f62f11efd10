/**
 * RFC 8341 points found by the audits (real agent, real SSH):
 * - 3.4.4: an operation the user may not invoke is access-denied with an
 *   error-path identifying it (/nc:rpc/nc:edit-config);
 * - 3.2.5 / 3.4.5: an edit is checked for create, update and delete, not
 *   read: a write-only rule works, and its answers do not depend on whether
 *   the hidden node exists.
 */
import assert from 'node:assert/strict';
import type { NetconfClient } from '../../src/netconf/client';
import { ACC, assertOk, dataOf, editConfig, errorOf, errorsOf, getConfig, Lab, NACM, norm, startLab, SYS, user } from './helpers';

const NC = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const client = (addr: string, secret: string, op = '') =>
  `<access xmlns="${ACC}" xmlns:nc="${NC}"><radius-client><address>${addr}</address><secret${op}>${secret}</secret></radius-client></access>`;

describe('nacm: RFC 8341 operation error-path and write-only rules', function () {
  this.timeout(60000);
  let lab: Lab;
  let admin: NetconfClient;
  let rot: NetconfClient;
  let alice: NetconfClient;

  before(async () => {
    lab = await startLab();
    admin = await lab.connect('admin');
    assertOk(
      await admin.rpc(
        editConfig(
          'running',
          `<system xmlns="${SYS}"><authentication>${user('rot')}${user('alice')}</authentication></system>` +
            `<nacm xmlns="${NACM}"><groups><group><name>rotate</name><user-name>rot</user-name></group></groups>` +
            `<rule-list><name>rotate</name><group>rotate</group>` +
            `<rule><name>secret</name><module-name>flowtapd-access</module-name><path xmlns:fta="${ACC}">/fta:access/fta:radius-client/fta:secret</path><access-operations>create update</access-operations><action>permit</action></rule>` +
            `<rule><name>no-delete-config</name><module-name>ietf-netconf</module-name><rpc-name>delete-config</rpc-name><access-operations>exec</access-operations><action>deny</action></rule>` +
            `</rule-list></nacm>` +
            client('192.0.2.1', 'old-secret'),
        ),
      ),
    );
    rot = await lab.connect('rot');
    alice = await lab.connect('alice');
  });

  after(async () => {
    await lab?.stop();
  });

  it('3.4.4: a denied protocol operation names itself in error-path (/nc:rpc/nc:delete-config)', async () => {
    const reply = await rot.rpc('<delete-config><target><startup/></target></delete-config>');
    const e = errorOf(reply);
    assert.equal(e.tag, 'access-denied');
    assert.equal(e.type, 'protocol');
    assert.equal(e.path, '/nc:rpc/nc:delete-config');
    assert.match(reply, /<error-path xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1\.0">\/nc:rpc\/nc:delete-config<\/error-path>/);
  });

  it('3.4.4: a denied operation of a module (default-deny-all) names it too, the same whether or not a mirror exists', async () => {
    const reply = await alice.rpc('<clear-mirror-session xmlns="urn:flowtapd:yang:services"><acct-session-id>1</acct-session-id></clear-mirror-session>');
    const e = errorOf(reply);
    assert.equal(e.tag, 'access-denied');
    assert.equal(e.path, '/nc:rpc/fts:clear-mirror-session');
    assert.match(reply, /xmlns:fts="urn:flowtapd:yang:services"/);
    const r2 = await alice.rpc('<clear-mirror-session xmlns="urn:flowtapd:yang:services"><acct-session-id>2</acct-session-id></clear-mirror-session>');
    assert.equal(norm(r2), norm(reply));
  });

  it('a write-only rule (create update, no read) lets rot set a secret it cannot read back', async () => {
    assertOk(await rot.rpc(editConfig('running', client('192.0.2.1', 'new-secret'))));
    assert.match(dataOf(await admin.rpc(getConfig('running'))), /<secret>new-secret<\/secret>/);
    assert.doesNotMatch(dataOf(await rot.rpc(getConfig('running'))), /secret/);
  });

  it('write-only: replies do not depend on the hidden value; create/delete/remove on it stay the path-less access-denied', async () => {
    // same value as stored, and a different one: the same reply
    const a = norm(await rot.rpc(editConfig('running', client('192.0.2.1', 'new-secret'), '<test-option>test-only</test-option>')));
    const b = norm(await rot.rpc(editConfig('running', client('192.0.2.1', 'other'), '<test-option>test-only</test-option>')));
    assert.equal(a, b);
    for (const op of ['create', 'delete', 'remove']) {
      const e = errorOf(await rot.rpc(editConfig('running', client('192.0.2.1', 'x', ` nc:operation="${op}"`), '<test-option>test-only</test-option>')));
      assert.equal(e.tag, 'access-denied', op);
      assert.equal(e.path, undefined, `${op}: no error-path`);
    }
  });

  it('continue-on-error: a bad value is reported beside the denials; one in a node the user may not read is the path-less access-denied', async () => {
    const coe = '<error-option>continue-on-error</error-option>';
    const bad = (secrets: string) =>
      `<access xmlns="${ACC}"><radius-client><address>192.0.2.1</address>${secrets}</radius-client><radius-client><address>192.0.2.999</address></radius-client></access>`;
    // alice may write nothing: the bad address (a node she may read) and the denial
    const e1 = errorsOf(await alice.rpc(editConfig('running', bad('<secret>s</secret>'), coe)));
    assert.deepEqual(e1.map((e) => [e.tag, e.info['bad-element'], e.path === undefined]), [
      ['invalid-value', 'address', false],
      ['access-denied', undefined, true],
    ]);
    // a duplicate secret, which alice may not read: no invalid-value with its path
    const e2 = errorsOf(await alice.rpc(editConfig('running', bad('<secret>s</secret><secret>t</secret>'), coe)));
    assert.ok(e2.every((e) => e.tag !== 'invalid-value' || e.info['bad-element'] === 'address'), JSON.stringify(e2));
    assert.ok(e2.every((e) => !/secret/.test(e.path ?? '')), JSON.stringify(e2));
    assert.equal(e2[0].tag, 'access-denied');
    // rot (write-only secret): the bad address reported, the secret written
    const e3 = errorOf(await rot.rpc(editConfig('running', bad('<secret>cont-secret</secret>'), coe)));
    assert.deepEqual([e3.tag, e3.info['bad-element']], ['invalid-value', 'address']);
    assert.match(dataOf(await admin.rpc(getConfig('running'))), /<secret>cont-secret<\/secret>/);
  });

  it('without the write rule, the same edit is the path-less access-denied (no read leak for plain users)', async () => {
    const e = errorOf(await alice.rpc(editConfig('running', client('192.0.2.1', 'zzz'))));
    assert.equal(e.tag, 'access-denied');
    assert.equal(e.path, undefined);
  });
});
