/**
 * The CoA / Disconnect / accounting rules of issue 5 against the whole agent
 * inside bng, driven by Debian's radclient from core (and, for the
 * retransmission, the same bytes sent twice from one socket in core).
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { Code, decodePacket, encodeMirrorVsas, encodeRequest, encodeText } from '../../src/radius/codec';
import {
  ADDR, AgentProcess, ERROR_CAUSE, Lab, Netconf, SECRET, acctStart, captureMd, handle4, handle8, labConfig, labUnavailable,
  mirrorAttrs, sessions, startEcho, subscriberIds, traffic, tsharkJmirror, until,
} from './lab';

const causeOk = (got: string | undefined, want: number): boolean => ERROR_CAUSE[want].includes(got ?? '');

describe('lab: CoA, Disconnect and accounting rules with radclient', function () {
  this.timeout(120000);
  const lab = new Lab(`ftc${process.pid % 100000}`);
  let agent: AgentProcess;
  let nc: Netconf;
  let events: Netconf;

  const coa = (id: string, attrs: string[], opts: { secret?: string; retries?: number } = {}) =>
    lab.radclient('coa', opts.secret ?? SECRET, [`Acct-Session-Id = "${id}"`, ...attrs], { retries: opts.retries });

  before(async function () {
    const why = labUnavailable();
    if (why) {
      process.stdout.write(`      skipped: ${why}\n`);
      this.skip();
    }
    lab.up();
    agent = new AgentProcess(lab);
    await agent.start();
    nc = await Netconf.open(lab);
    events = await Netconf.open(lab);
    await events.subscribe();
    await nc.configure(labConfig({ maximumSessions: 3 }));
    startEcho(lab);
    for (const [id, user, ip] of [
      ['2001', 'alice', ADDR.sub],
      ['2002', 'bob', ADDR.sub2],
      ['2003', 'carol', '192.0.2.53'],
      ['2004', 'dave', '192.0.2.54'],
      ['sub-abcd', 'erin', '192.0.2.55'],
    ]) {
      const r = await lab.radclient('acct', SECRET, acctStart(id, user, ip));
      assert.equal(r.reply, 'Accounting-Response', r.stdout + r.stderr);
    }
  });

  after(() => {
    nc?.close();
    events?.close();
    lab.down();
  });

  it('a CoA missing any one of the four mirroring VSAs: CoA-NAK Error-Cause 402, nothing started', async () => {
    const all = mirrorAttrs('on', handle8(1, 2));
    for (let i = 0; i < 4; i++) {
      const r = await coa('2001', all.filter((_, j) => j !== i));
      assert.equal(r.reply, 'CoA-NAK', `without ${all[i]}: ${r.stdout}`);
      assert.ok(causeOk(r.errorCause, 402), `without ${all[i]}: ${r.errorCause}`);
    }
    assert.deepEqual(await sessions(nc), []);
  });

  it('an unknown subscriber: CoA-NAK 503', async () => {
    const r = await coa('9999', mirrorAttrs('on', handle8(1, 2)));
    assert.equal(r.reply, 'CoA-NAK');
    assert.ok(causeOk(r.errorCause, 503), r.errorCause);
  });

  it('a stop naming another handle, address or port than the running mirror: CoA-NAK, the mirror stays', async () => {
    const start = await coa('2001', mirrorAttrs('on', handle8(100, 200)));
    assert.equal(start.reply, 'CoA-ACK', start.stdout);
    for (const bad of [mirrorAttrs('off', handle8(100, 201)), mirrorAttrs('off', handle8(100, 200), '203.0.113.98'), mirrorAttrs('off', handle8(100, 200), ADDR.md, 30031)]) {
      const r = await coa('2001', bad);
      assert.equal(r.reply, 'CoA-NAK', bad.join(', '));
      assert.ok(r.errorCause, 'an Error-Cause is given');
    }
    const s = await sessions(nc);
    assert.deepEqual(s.map((x) => [x.id, x.state, x.interceptId, x.sessionId]), [['2001', 'active', 100, 200]]);
  });

  it('the 4-octet Med-Dev-Handle: mid from the handle, sid from the Acct-Session-Id (decimal, or its last four octets)', async () => {
    const cap = await captureMd(lab, 'h4');
    const r = await coa('2002', mirrorAttrs('on', handle4(777)));
    assert.equal(r.reply, 'CoA-ACK', r.stdout);
    const r2 = await coa('sub-abcd', mirrorAttrs('on', handle4(0x3fffffff)));
    assert.equal(r2.reply, 'CoA-ACK', r2.stdout);
    const s = await sessions(nc);
    const s2 = s.find((x) => x.id === '2002')!;
    assert.equal(s2.interceptId, 777);
    assert.equal(s2.sessionId, 2002);
    const s3 = s.find((x) => x.id === 'sub-abcd')!;
    assert.equal(s3.interceptId, 0x3fffffff);
    assert.equal(s3.sessionId, Buffer.from('abcd').readUInt32BE(0));
    await traffic(lab, ADDR.sub2, 1, 'h4');
    const rows = tsharkJmirror(await cap.stop());
    assert.ok(rows.length >= 2, JSON.stringify(rows));
    for (const row of rows.filter((x) => [x.innerSrc, x.innerDst].includes(ADDR.sub2))) {
      assert.equal(row.mid, 777);
      assert.equal(row.sid, 2002);
    }
  });

  it('past maximum-sessions: CoA-NAK 506', async () => {
    const r = await coa('2003', mirrorAttrs('on', handle8(3, 3)));
    assert.equal(r.reply, 'CoA-NAK');
    assert.ok(causeOk(r.errorCause, 506), r.errorCause);
    assert.equal((await sessions(nc)).length, 3);
    // raising the cap over NETCONF lets it in
    await nc.configure(`<services xmlns="urn:flowtapd:yang:services"><radius-flow-tap><maximum-sessions>4</maximum-sessions></radius-flow-tap></services>`);
    const r2 = await coa('2003', mirrorAttrs('on', handle8(3, 3)));
    assert.equal(r2.reply, 'CoA-ACK', r2.stdout);
  });

  it('a retransmitted request gets the cached reply and no second action', async () => {
    // the same Disconnect-Request twice from one socket: if it were acted on
    // again, the second answer would be a NAK 503 (the subscriber is gone)
    const pkt = encodeRequest(Code.DisconnectRequest, 42, [{ type: 44, value: encodeText('2003') }], SECRET);
    const before = (await agent.control<{ counters: { clients: Record<string, { duplicates: number }> } }>('radius-counters')).counters.clients[ADDR.core];
    const out = await lab.run(lab.ns.core, [process.execPath, '--import', 'tsx', path.join(__dirname, 'udp-tool.ts')],
      JSON.stringify({ host: ADDR.bngCore, port: 3799, packets: [pkt.toString('hex'), pkt.toString('hex')], gapMs: 200, waitMs: 500 }));
    const replies = out.stdout.trim().split('\n').filter(Boolean).map((h) => Buffer.from(h, 'hex'));
    assert.equal(replies.length, 2, out.stdout + out.stderr);
    assert.deepEqual(replies[1], replies[0], 'identical cached reply');
    const p = decodePacket(replies[0]);
    assert.ok(p.ok);
    assert.equal(p.packet.code, Code.DisconnectAck);
    const after = (await agent.control<{ counters: { clients: Record<string, { duplicates: number }> } }>('radius-counters')).counters.clients[ADDR.core];
    assert.equal(after.duplicates, before.duplicates + 1);
    assert.ok(!(await subscriberIds(nc)).includes('2003'));
    await events.waitNotification((x) => x.includes('<event>stopped</event>') && x.includes('>2003<'));
    assert.equal(events.notifications.filter((x) => x.includes('<event>stopped</event>') && x.includes('>2003<')).length, 1, 'one stop only');
    // a CoA start repeated byte for byte is one start
    const coaPkt = encodeRequest(Code.CoaRequest, 43, [{ type: 44, value: encodeText('2004') }, encodeMirrorVsas({ liAction: 1, medDevHandle: Buffer.from(handle8(4, 4).slice(2), 'hex'), medIp: ADDR.md, medPort: 30030 }, SECRET)], SECRET);
    const out2 = await lab.run(lab.ns.core, [process.execPath, '--import', 'tsx', path.join(__dirname, 'udp-tool.ts')],
      JSON.stringify({ host: ADDR.bngCore, port: 3799, packets: [coaPkt.toString('hex'), coaPkt.toString('hex')], gapMs: 200, waitMs: 500 }));
    const r2 = out2.stdout.trim().split('\n').filter(Boolean);
    assert.equal(r2.length, 2);
    assert.equal(r2[0], r2[1]);
    assert.equal(Buffer.from(r2[0], 'hex')[0], Code.CoaAck);
    await events.waitNotification((x) => x.includes('<event>started</event>') && x.includes('>2004<'));
    assert.equal(events.notifications.filter((x) => x.includes('<event>started</event>') && x.includes('>2004<')).length, 1);
  });

  it('a wrong secret: no reply at all, the drop counter rises', async () => {
    const get = async () => (await agent.control<{ counters: { clients: Record<string, { dropped: { badAuthenticator: number } }> } }>('radius-counters')).counters.clients[ADDR.core].dropped.badAuthenticator;
    const before = await get();
    const r = await coa('2001', mirrorAttrs('on', handle8(9, 9)), { secret: 'not-the-secret', retries: 1 });
    assert.equal(r.reply, undefined, r.stdout);
    assert.match(r.stdout + r.stderr, /No reply/i);
    assert.equal(await get(), before + 1);
  });

  it('Disconnect-Request (radclient): removes the subscriber and its mirror', async () => {
    const filters = lab.filterCount('bsub');
    const r = await lab.radclient('disconnect', SECRET, ['Acct-Session-Id = "2002"']);
    assert.equal(r.reply, 'Disconnect-ACK', r.stdout);
    assert.ok(!(await subscriberIds(nc)).includes('2002'));
    assert.ok(!(await sessions(nc)).some((s) => s.id === '2002'));
    assert.equal(lab.filterCount('bsub'), filters - 2, 'its two filters are gone');
    const again = await lab.radclient('disconnect', SECRET, ['Acct-Session-Id = "2002"']);
    assert.equal(again.reply, 'Disconnect-NAK');
    assert.ok(causeOk(again.errorCause, 503), again.errorCause);
  });

  it('accounting Stop ends the mirror', async () => {
    assert.ok((await sessions(nc)).some((s) => s.id === '2001'));
    const r = await lab.radclient('acct', SECRET, acctStart('2001', 'alice', ADDR.sub, 'Stop'));
    assert.equal(r.reply, 'Accounting-Response');
    await until(async () => !(await sessions(nc)).some((s) => s.id === '2001'), 3000, 'mirror 2001 ended');
    await events.waitNotification((x) => x.includes('<event>stopped</event>') && x.includes('>2001<'));
    const cap = await captureMd(lab, 'acct-stop');
    await traffic(lab, ADDR.sub, 2, 'z');
    assert.equal(tsharkJmirror(await cap.stop()).filter((x) => [x.innerSrc, x.innerDst].includes(ADDR.sub)).length, 0);
  });
});
