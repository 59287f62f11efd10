import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { NetconfClient } from '../../src/netconf/client';
import { Datastore } from '../../src/datastore';
import { AgentError } from '../../src/errors';
import { unknownParam, startAgent, Harness, assertOk, errorOf, editConfig, cos, klass, classNames, COS, NC, NOTIF, sleep, until } from './agent-harness';

describe('netconf ops: commit (RFC 6241 8.3, 8.4 confirmed-commit:1.1)', function () {
  this.timeout(40000);
  let h: Harness;
  let c: NetconfClient;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());
  beforeEach(async () => {
    c = await h.connect();
    await c.rpc('<discard-changes/>');
    if ((await classNames(c)).length) {
      assertOk(await c.rpc(editConfig('candidate', `<class-of-service xmlns="${COS}" xmlns:nc="${NC}" nc:operation="remove"/>`)));
      assertOk(await c.rpc('<commit/>'));
    }
  });
  afterEach(() => c.close());

  it('plain commit: candidate becomes running, running.xml is written before the reply', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('be', 0)))));
    assert.deepEqual(await classNames(c), []);
    assertOk(await c.rpc('<commit/>'));
    assert.match(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), /<name>be<\/name>/);
    assert.deepEqual(await classNames(c), ['be']);
  });

  it('a commit that fails validation leaves running and the file as they were', async () => {
    // with a new interface: validation would add its default leaf enabled
    const itf = `<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface><name>cx0</name><type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type></interface></interfaces>`;
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1, 10) + klass('b', 2, 10)) + itf)));
    const before = fs.readFileSync(`${h.dir}/running.xml`, 'utf8');
    const wd = '<with-defaults xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults">report-all-tagged</with-defaults>';
    const candidate = (): Promise<string> => c.rpc(`<get-config><source><candidate/></source>${wd}</get-config>`);
    const candBefore = await candidate();
    const e = errorOf(await c.rpc('<commit/>'));
    assert.equal(e.appTag, 'data-not-unique');
    assert.equal(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), before);
    assert.deepEqual(await classNames(c), []);
    // the candidate is validated in place: the default nodes that added are taken out again
    assert.equal((await candidate()).replace(/message-id="\d+"/, ''), candBefore.replace(/message-id="\d+"/, ''));
  });

  it('confirmed commit with confirm-timeout rolls back automatically after the timeout', async () => {
    const w = await h.connect();
    assertOk(await w.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
    const started = w.nextNotification(/<confirm-event>start<\/confirm-event>/);
    const timedOut = w.nextNotification(/<confirm-event>timeout<\/confirm-event>/, 15000);
    assertOk(await c.rpc(editConfig('candidate', cos(klass('tentative', 3)))));
    assertOk(await c.rpc('<commit><confirmed/><confirm-timeout>1</confirm-timeout></commit>'));
    assert.match(await started, /<timeout>1<\/timeout>/);
    assert.deepEqual(await classNames(c), ['tentative']);
    await timedOut;
    await until(async () => (await classNames(c)).length === 0, 5000, 'rollback');
    assert.doesNotMatch(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), /tentative/);
    assert.deepEqual(await classNames(c, 'candidate'), []);
    await w.close();
  });

  it('a restart before the confirming commit restores the configuration before the confirmed commit (RFC 6241 8.4.1)', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('stable', 1)))));
    assertOk(await c.rpc('<commit/>'));
    const marker = `${h.dir}/confirmed-commit-rollback.xml`;
    assert.ok(!fs.existsSync(marker));
    // confirmed, then a follow-up confirmed commit with more changes, then the agent stops
    assertOk(await c.rpc(editConfig('candidate', cos(klass('tentative', 2)))));
    assertOk(await c.rpc('<commit><confirmed/><confirm-timeout>600</confirm-timeout><persist>p1</persist></commit>'));
    assertOk(await c.rpc(editConfig('candidate', cos(klass('more', 3)))));
    assertOk(await c.rpc('<commit><confirmed/><persist-id>p1</persist-id></commit>'));
    assert.ok(fs.existsSync(marker), 'the configuration to restore is on disk');
    assert.deepEqual(await classNames(c), ['stable', 'tentative', 'more']);
    await h.restart();
    c = await h.connect();
    assert.deepEqual(await classNames(c), ['stable'], 'running is the configuration before the confirmed commit');
    assert.doesNotMatch(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), /tentative|more/);
    assert.ok(!fs.existsSync(marker));
    assertOk(await c.rpc(`<rollback xmlns="urn:flowtapd:yang:system"><index>0</index></rollback>`));
    assert.deepEqual(await classNames(c, 'candidate'), ['stable'], 'rollback 0 is the restored configuration');
    assertOk(await c.rpc('<discard-changes/>'));
    // a confirmed commit that was confirmed, or cancelled, leaves nothing to restore
    assertOk(await c.rpc(editConfig('candidate', cos(klass('kept', 4)))));
    assertOk(await c.rpc('<commit><confirmed/></commit>'));
    assertOk(await c.rpc('<commit/>'));
    assert.ok(!fs.existsSync(marker));
    assertOk(await c.rpc(editConfig('candidate', cos(klass('cancelled', 5)))));
    assertOk(await c.rpc('<commit><confirmed/></commit>'));
    assertOk(await c.rpc('<cancel-commit/>'));
    assert.ok(!fs.existsSync(marker));
    await h.restart();
    c = await h.connect();
    assert.deepEqual(await classNames(c), ['stable', 'kept']);
  });

  it('a rollback on the confirm-timeout that fails is logged and tried again; the confirmed commit stays pending meanwhile', async () => {
    const ds = h.agent.ds;
    const retry = Datastore.revertRetryMs;
    Datastore.revertRetryMs = 300;
    let refuse = true;
    const errors: string[] = [];
    const before = ds.events.onBackgroundError;
    ds.events.onBackgroundError = (what, err) => void errors.push(`${what}: ${err.message}`);
    ds.register({
      name: 'refuses-rollbacks',
      prepare: (cs) => {
        if (refuse && cs.origin.kind === 'timer') throw new AgentError('operation-failed', 'not now');
        return null;
      },
    });
    try {
      assertOk(await c.rpc(editConfig('candidate', cos(klass('tentative', 3)))));
      assertOk(await c.rpc('<commit><confirmed/><confirm-timeout>1</confirm-timeout></commit>'));
      await until(() => errors.length > 0, 5000, 'a failed rollback');
      assert.match(errors[0], /^confirmed-commit rollback \(timeout\): not now/);
      assert.deepEqual(await classNames(c), ['tentative'], 'not rolled back');
      assert.ok(ds.confirmed, 'still pending');
      assert.ok(fs.existsSync(`${h.dir}/confirmed-commit-rollback.xml`), 'a restart would still restore');
      refuse = false;
      await until(async () => (await classNames(c)).length === 0, 5000, 'the retried rollback');
      assert.equal(ds.confirmed, null);
      assert.ok(!fs.existsSync(`${h.dir}/confirmed-commit-rollback.xml`));
    } finally {
      refuse = false;
      Datastore.revertRetryMs = retry;
      ds.events.onBackgroundError = before;
    }
  });

  it('a confirming commit makes it permanent; a follow-up confirmed commit extends it', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('keep', 3)))));
    assertOk(await c.rpc('<commit><confirmed/><confirm-timeout>1</confirm-timeout></commit>'));
    assertOk(await c.rpc('<commit><confirmed/><confirm-timeout>60</confirm-timeout></commit>'));
    await sleep(1300);
    assert.deepEqual(await classNames(c), ['keep'], 'extended past the first timeout');
    assertOk(await c.rpc('<commit/>'));
    assert.equal(h.agent.ds.confirmed, null);
    assert.deepEqual(await classNames(c), ['keep']);
  });

  it('a non-persistent confirmed commit is rolled back when its session closes, and others cannot confirm it', async () => {
    const other = await h.connect();
    assertOk(await other.rpc(`<create-subscription xmlns="${NOTIF}"/>`));
    // RFC 6470: a confirmed commit cancelled by its session's end is 'cancel', not 'timeout'
    const cancelled = other.nextNotification(/<confirm-event>cancel<\/confirm-event>/);
    assertOk(await c.rpc(editConfig('candidate', cos(klass('session-bound', 3)))));
    assertOk(await c.rpc('<commit><confirmed/></commit>'));
    const e = errorOf(await other.rpc('<commit/>'));
    assert.equal(e.tag, 'in-use');
    const sid = c.sessionId;
    await c.close();
    await until(async () => (await classNames(other)).length === 0, 5000, 'rollback on session end');
    await cancelled;
    // the audit record says why and whose session it was, not a timer
    const last = JSON.parse(fs.readFileSync(`${h.dir}/audit.log`, 'utf8').trimEnd().split('\n').pop()!);
    assert.deepEqual([last.origin, last.user, last.session], ['session-closed', 'admin', sid]);
    assert.ok(last.changes.every((x: { op: string }) => x.op === 'delete'), JSON.stringify(last));
    c = other;
  });

  it('persist and persist-id: confirmed from another session', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('persisted', 3)))));
    assertOk(await c.rpc('<commit><confirmed/><persist>tok-1</persist></commit>'));
    await c.close();
    c = await h.connect();
    assert.deepEqual(await classNames(c), ['persisted'], 'survives the session');
    // a plain commit without the persist-id does not confirm it
    assert.equal(errorOf(await c.rpc('<commit/>')).tag, 'invalid-value');
    const wrong = errorOf(await c.rpc('<commit><persist-id>nope</persist-id></commit>'));
    assert.equal(wrong.tag, 'invalid-value');
    assertOk(await c.rpc('<commit><persist-id>tok-1</persist-id></commit>'));
    assert.equal(h.agent.ds.confirmed, null);
    assert.deepEqual(await classNames(c), ['persisted']);
  });

  it('confirm-timeout must be a positive number', async () => {
    const e = errorOf(await c.rpc('<commit><confirmed/><confirm-timeout>0</confirm-timeout></commit>'));
    assert.equal(e.tag, 'invalid-value');
    assert.equal(e.info['bad-element'], 'confirm-timeout');
  });
  it('an applier that fails after the commit point: the commit stands (running, running.xml, candidate), the reply says what failed', async () => {
    let fail = true;
    h.agent.ds.register({
      name: 'test-applier',
      prepare: () => ({
        apply: () => {
          if (fail) throw new Error('the kernel said no');
        },
        abort: () => undefined,
      }),
    });
    try {
      assertOk(await c.rpc(editConfig('candidate', cos(klass('half', 1)))));
      const e = errorOf(await c.rpc('<commit/>'));
      assert.equal(e.tag, 'operation-failed');
      assert.equal(e.appTag, 'applied-with-errors');
      assert.match(e.message ?? '', /committed and running, but test-applier could not apply it \(the kernel said no\)/);
      assert.deepEqual(await classNames(c), ['half'], 'running has it');
      assert.match(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), /<name>half<\/name>/);
      assert.deepEqual(await classNames(c, 'candidate'), ['half'], 'the candidate is running, not dirty');
      assertOk(await c.rpc('<commit/>'));
      assert.deepEqual(await classNames(c), ['half'], 'a second commit changes nothing');
      // writing running directly: the same, and the candidate follows
      const e2 = errorOf(await c.rpc(editConfig('running', cos(klass('direct', 2)))));
      assert.equal(e2.appTag, 'applied-with-errors');
      assert.deepEqual(await classNames(c), ['half', 'direct']);
      assert.deepEqual(await classNames(c, 'candidate'), ['half', 'direct']);
    } finally {
      fail = false;
    }
  });

  it('a misspelt parameter is unknown-element and commits nothing: <confirmd/> is no permanent commit (RFC 6241 App. A)', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('typo', 3)))));
    unknownParam(await c.rpc('<commit><confirmd/></commit>'), 'confirmd');
    const e2 = errorOf(await c.rpc('<commit><confirmed/><confirm-timeot>60</confirm-timeot></commit>'));
    assert.equal(e2.info['bad-element'], 'confirm-timeot');
    // a parameter of another namespace is unknown too; one given twice is bad-element
    const e3 = errorOf(await c.rpc('<commit><confirmed xmlns="urn:example:other"/></commit>'));
    assert.deepEqual([e3.tag, e3.info['bad-element']], ['unknown-element', 'confirmed']);
    const e4 = errorOf(await c.rpc('<commit><confirmed/><confirm-timeout>60</confirm-timeout><confirm-timeout>600</confirm-timeout></commit>'));
    assert.deepEqual([e4.type, e4.tag, e4.info['bad-element']], ['protocol', 'bad-element', 'confirm-timeout']);
    assert.deepEqual(await classNames(c), [], 'nothing committed');
    assert.deepEqual(await classNames(c, 'candidate'), ['typo']);
    // the proper parameters work (persist and persist-id included)
    assertOk(await c.rpc('<commit><confirmed/><confirm-timeout>60</confirm-timeout><persist>t1</persist></commit>'));
    assertOk(await c.rpc('<commit><persist-id>t1</persist-id></commit>'));
    assert.deepEqual(await classNames(c), ['typo']);
  });
});
