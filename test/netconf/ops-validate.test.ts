import assert from 'node:assert/strict';
import type { NetconfClient } from '../../src/netconf/client';
import { unknownParam, startAgent, Harness, assertOk, errorOf, errorsOf, editConfig, FTS, IF } from './agent-harness';

const IANA = 'urn:ietf:params:xml:ns:yang:iana-if-type';
const ethernet = `<interfaces xmlns="${IF}"><interface><name>eth9</name><type xmlns:ianaift="${IANA}">ianaift:ethernetCsmacd</type></interface></interfaces>`;
const pool = `<services xmlns="${FTS}"><flow-tap/><radius-flow-tap><interfaces>eth9</interfaces><source-ipv4-address>192.0.2.1</source-ipv4-address></radius-flow-tap></services>`;

describe('netconf ops: validate (RFC 6241 8.6, :validate:1.1)', function () {
  this.timeout(30000);
  let h: Harness;
  let c: NetconfClient;
  before(async () => {
    h = await startAgent();
    c = await h.connect();
  });
  after(() => h.stop());

  it('running and an unchanged candidate are valid', async () => {
    assertOk(await c.rpc('<validate><source><running/></source></validate>'));
    assertOk(await c.rpc('<validate><source><candidate/></source></validate>'));
  });

  it('a pool member that is not a tunnel interface is valid (the LI configuration does not constrain public configuration: the member is down)', async () => {
    assertOk(await c.rpc(editConfig('candidate', ethernet + pool)));
    assertOk(await c.rpc('<validate><source><candidate/></source></validate>'));
    assertOk(await c.rpc('<discard-changes/>'));
  });

  it('candidate with a pool and no source address: must-violation with the path', async () => {
    assertOk(await c.rpc(editConfig('candidate', ethernet + pool.replace('<source-ipv4-address>192.0.2.1</source-ipv4-address>', ''))));
    const e = errorOf(await c.rpc('<validate><source><candidate/></source></validate>'));
    assert.equal(e.tag, 'operation-failed');
    assert.equal(e.type, 'application');
    assert.equal(e.appTag, 'must-violation');
    assert.match(e.path ?? '', /services\/[a-z]+:radius-flow-tap$/);
    assert.match(e.message ?? '', /source-ipv4-address/);
    // the reply declares the prefixes used in error-path
    const reply = await c.rpc('<validate><source><candidate/></source></validate>');
    assert.match(reply, /<error-path xmlns:[a-z]+="urn:flowtapd:yang:services"/);
    // validate did not change anything
    assertOk(await c.rpc('<discard-changes/>'));
  });

  it('inline <config>: valid and invalid', async () => {
    const tunnel = `<interfaces xmlns="${IF}"><interface><name>vt0</name><type xmlns:ianaift="${IANA}">ianaift:tunnel</type></interface></interfaces>`;
    const okPool = `<services xmlns="${FTS}"><flow-tap/><radius-flow-tap><interfaces>vt0</interfaces><source-ipv4-address>192.0.2.1</source-ipv4-address></radius-flow-tap></services>`;
    assertOk(await c.rpc(`<validate><source><config>${tunnel}${okPool}</config></source></validate>`));
    // pool without source address: the radius-flow-tap must
    const noSrc = `<services xmlns="${FTS}"><flow-tap/><radius-flow-tap><interfaces>vt0</interfaces></radius-flow-tap></services>`;
    const e = errorOf(await c.rpc(`<validate><source><config>${tunnel}${noSrc}</config></source></validate>`));
    assert.equal(e.appTag, 'must-violation');
    assert.match(e.message ?? '', /source-ipv4-address/);
    // radius-flow-tap without flow-tap: its when is false
    const noFlowTap = `<services xmlns="${FTS}"><radius-flow-tap><maximum-sessions>10</maximum-sessions></radius-flow-tap></services>`;
    const errs = errorsOf(await c.rpc(`<validate><source><config>${noFlowTap}</config></source></validate>`));
    assert.ok(errs.some((x) => /radius-flow-tap/.test(x.path ?? '') || /radius-flow-tap/.test(x.message ?? '')), JSON.stringify(errs));
  });

  it('a missing or unknown source is an error', async () => {
    assert.equal(errorOf(await c.rpc('<validate/>')).tag, 'missing-element');
    assert.equal(errorOf(await c.rpc('<validate><source><bogus/></source></validate>')).tag, 'unknown-element');
  });

  it('an unknown parameter, beside <source> or in it, is unknown-element (App. A)', async () => {
    unknownParam(await c.rpc('<validate><source><running/></source><strict/></validate>'), 'strict');
    unknownParam(await c.rpc('<validate><source><running/><strict/></source></validate>'), 'strict');
  });
});
