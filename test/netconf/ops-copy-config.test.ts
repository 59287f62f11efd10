import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { NetconfClient } from '../../src/netconf/client';
import { unknownParam, startAgent, Harness, assertOk, errorOf, editConfig, cos, klass, classNames, dataOf, getConfig, NACM, SYS } from './agent-harness';

describe('netconf ops: copy-config (RFC 6241 7.3)', function () {
  this.timeout(30000);
  let h: Harness;
  let c: NetconfClient;
  before(async () => {
    h = await startAgent();
    c = await h.connect();
  });
  after(() => h.stop());

  it('running -> startup: startup.xml holds the committed configuration', async () => {
    assertOk(await c.rpc(editConfig('running', cos(klass('saved', 1)))));
    assert.deepEqual(await classNames(c, 'startup'), []);
    assertOk(await c.rpc('<copy-config><target><startup/></target><source><running/></source></copy-config>'));
    assert.deepEqual(await classNames(c, 'startup'), ['saved']);
    assert.match(fs.readFileSync(`${h.dir}/startup.xml`, 'utf8'), /<name>saved<\/name>/);
  });

  it('inline <config> -> candidate replaces the candidate; commit makes it running', async () => {
    const running = dataOf(await c.rpc(getConfig('running')));
    // keep nacm and system (the admin user), replace class-of-service
    const nacm = /<nacm [\s\S]*<\/nacm>/.exec(running)![0];
    const sys = /<system [\s\S]*<\/system>/.exec(running)![0];
    assertOk(await c.rpc(`<copy-config><target><candidate/></target><source><config>${nacm}${sys}${cos(klass('inline1', 1) + klass('inline2', 2))}</config></source></copy-config>`));
    assert.deepEqual(await classNames(c, 'candidate'), ['inline1', 'inline2']);
    assert.deepEqual(await classNames(c), ['saved']);
    assertOk(await c.rpc('<commit/>'));
    assert.deepEqual(await classNames(c), ['inline1', 'inline2']);
    assert.doesNotMatch(dataOf(await c.rpc(getConfig('running'))), /<access /, 'copy-config replaced, not merged');
    assert.match(dataOf(await c.rpc(getConfig('running', `<nacm xmlns="${NACM}"/>`))), /permit-all/);
    assert.match(dataOf(await c.rpc(getConfig('running', `<system xmlns="${SYS}"/>`))), /<name>admin<\/name>/);
  });

  it('startup -> running, candidate -> running', async () => {
    assertOk(await c.rpc('<copy-config><target><running/></target><source><startup/></source></copy-config>'));
    assert.deepEqual(await classNames(c), ['saved']);
    assertOk(await c.rpc(editConfig('candidate', cos(klass('via-candidate', 3)))));
    assertOk(await c.rpc('<copy-config><target><running/></target><source><candidate/></source></copy-config>'));
    assert.deepEqual(await classNames(c), ['saved', 'via-candidate']);
  });

  it('invalid inline config is refused with the engine error; same source and target is invalid-value', async () => {
    const e = errorOf(await c.rpc(`<copy-config><target><candidate/></target><source><config>${cos('<class><name>x</name><queue-num>99</queue-num></class>')}</config></source></copy-config>`));
    assert.equal(e.tag, 'invalid-value');
    assert.match(e.path ?? '', /queue-num/);
    assert.equal(errorOf(await c.rpc('<copy-config><target><running/></target><source><running/></source></copy-config>')).tag, 'invalid-value');
    assert.equal(errorOf(await c.rpc('<copy-config><target><running/></target><source><url>file:///etc/passwd</url></source></copy-config>')).tag, 'operation-not-supported');
  });

  it('an unknown parameter, beside <source>/<target> or in them, is unknown-element and copies nothing (App. A)', async () => {
    const before = await classNames(c, 'startup');
    unknownParam(await c.rpc('<copy-config><target><startup/></target><source><running/></source><force/></copy-config>'), 'force');
    unknownParam(await c.rpc('<copy-config><target><startup/><force/></target><source><running/></source></copy-config>'), 'force');
    assert.deepEqual(await classNames(c, 'startup'), before);
  });
});
