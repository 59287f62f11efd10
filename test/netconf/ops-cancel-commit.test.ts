import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { NetconfClient } from '../../src/netconf/client';
import { unknownParam, startAgent, Harness, assertOk, errorOf, editConfig, cos, klass, classNames, NOTIF } from './agent-harness';

describe('netconf ops: cancel-commit (RFC 6241 8.4.4.1)', function () {
  this.timeout(30000);
  let h: Harness;
  let c: NetconfClient;
  before(async () => {
    h = await startAgent();
    c = await h.connect();
    assertOk(await c.rpc(editConfig('running', cos(klass('base', 0)))));
  });
  after(() => h.stop());

  it('cancels a pending confirmed commit: running goes back, netconf-confirmed-commit cancel is sent', async () => {
    const w = await h.connect();
    assertOk(await w.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
    const cancelled = w.nextNotification(/<confirm-event>cancel<\/confirm-event>/);
    assertOk(await c.rpc(editConfig('candidate', cos(klass('maybe', 1)))));
    assertOk(await c.rpc('<commit><confirmed/></commit>'));
    assert.deepEqual(await classNames(c), ['base', 'maybe']);
    assertOk(await c.rpc('<cancel-commit/>'));
    assert.deepEqual(await classNames(c), ['base']);
    assert.deepEqual(await classNames(c, 'candidate'), ['base']);
    await cancelled;
    // the audit record names the cancel-commit and its session's user
    const last = JSON.parse(fs.readFileSync(`${h.dir}/audit.log`, 'utf8').trimEnd().split('\n').pop()!);
    assert.deepEqual([last.origin, last.user, last.session], ['cancel-commit', 'admin', c.sessionId]);
  });

  it('with persist-id from another session; wrong id is invalid-value; nothing pending is operation-failed', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('p', 1)))));
    assertOk(await c.rpc('<commit><confirmed/><persist>abc</persist></commit>'));
    const o = await h.connect();
    assert.equal(errorOf(await o.rpc('<cancel-commit><persist-id>xyz</persist-id></cancel-commit>')).tag, 'invalid-value');
    assertOk(await o.rpc('<cancel-commit><persist-id>abc</persist-id></cancel-commit>'));
    assert.deepEqual(await classNames(o), ['base']);
    assert.equal(errorOf(await o.rpc('<cancel-commit/>')).tag, 'operation-failed');
  });

  it('a non-persistent confirmed commit cannot be cancelled by another session', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('q', 1)))));
    assertOk(await c.rpc('<commit><confirmed/></commit>'));
    const o = await h.connect();
    assert.equal(errorOf(await o.rpc('<cancel-commit/>')).tag, 'operation-failed');
    assertOk(await c.rpc('<cancel-commit/>'));
  });

  it('an unknown parameter is unknown-element and cancels nothing (App. A)', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('kept', 1)))));
    assertOk(await c.rpc('<commit><confirmed/><persist>k1</persist></commit>'));
    unknownParam(await c.rpc('<cancel-commit><persistid>k1</persistid></cancel-commit>'), 'persistid');
    assert.deepEqual(await classNames(c), ['base', 'kept']);
    assertOk(await c.rpc('<cancel-commit><persist-id>k1</persist-id></cancel-commit>'));
    assert.deepEqual(await classNames(c), ['base']);
  });
});
