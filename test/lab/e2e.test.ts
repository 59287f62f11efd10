/**
 * End to end (issues 5 and 6), as root in network namespaces: the agent's
 * real command line runs inside bng; NETCONF configures it; Debian's
 * radclient (in core) sends accounting and CoA; traffic from sub to core is
 * copied to md, where tshark decodes the jmirror copies.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { decode } from '../../src/relay/jmirror';
import {
  ADDR, AgentProcess, Lab, NS_FTS, Netconf, SECRET, acctStart, captureMd, handle8, labConfig, labUnavailable, mirrorAttrs, readPcap,
  sessions, sleep, startEcho, subscriberIds, traffic, tsharkJmirror, until,
} from './lab';

describe('lab: end to end with radclient, NETCONF and tshark', function () {
  this.timeout(120000);
  const lab = new Lab(`fte${process.pid % 100000}`);
  let agent: AgentProcess;
  let nc: Netconf;
  let events: Netconf;

  before(async function () {
    const why = labUnavailable();
    if (why) {
      process.stdout.write(`      skipped: ${why}\n`);
      this.skip();
    }
    lab.up();
    agent = new AgentProcess(lab, { cli: true });
    await agent.start();
    nc = await Netconf.open(lab);
    events = await Netconf.open(lab);
    await events.subscribe();
    await nc.configure(labConfig());
    startEcho(lab);
  });

  after(() => {
    nc?.close();
    events?.close();
    lab.down();
  });

  it('learns subscribers from accounting Start (Accounting-Response)', async () => {
    const a = await lab.radclient('acct', SECRET, acctStart('1001', 'alice', ADDR.sub));
    assert.equal(a.reply, 'Accounting-Response', a.stdout + a.stderr);
    const b = await lab.radclient('acct', SECRET, acctStart('1002', 'bob', ADDR.sub2));
    assert.equal(b.reply, 'Accounting-Response');
    assert.deepEqual((await subscriberIds(nc)).sort(), ['1001', '1002']);
  });

  it('CoA start: ACK, then copies at md decoded by tshark, both directions, nothing of the other subscriber', async () => {
    const subCap = path.join(lab.tmp, 'sub.pcap');
    const capSub = lab.spawnIn(lab.ns.sub, ['dumpcap', '-q', '-P', '-i', 's0', '-f', 'ip', '-w', subCap], { stdio: ['ignore', 'ignore', 'ignore'] });
    const cap = await captureMd(lab, 'e2e');
    await until(async () => fs.existsSync(subCap), 5000, 'dumpcap on sub');
    const r = await lab.radclient('coa', SECRET, ['Acct-Session-Id = "1001"', ...mirrorAttrs('on', handle8(12345, 67890))]);
    assert.equal(r.reply, 'CoA-ACK', r.stdout + r.stderr);
    await events.waitNotification((x) => x.includes('<event>started</event>') && x.includes('1001'));
    assert.equal(await traffic(lab, ADDR.sub, 3, 'a'), 6, 'echo works');
    assert.equal(await traffic(lab, ADDR.sub2, 3, 'b'), 6);
    await sleep(300);
    const file = await cap.stop();
    capSub.kill('SIGTERM');
    await sleep(300);
    const rows = tsharkJmirror(file);
    // 3 UDP out + 3 echoes back + 3 echo requests + 3 replies
    assert.equal(rows.length, 12, JSON.stringify(rows));
    for (const row of rows) {
      assert.equal(row.mid, 12345);
      assert.equal(row.sid, 67890);
      assert.equal(row.outerSrc, ADDR.bngMd);
      assert.equal(row.outerDst, ADDR.md);
      assert.equal(row.ttl, 255);
      assert.equal(row.dscp, 10);
      assert.equal(row.udpDstPort, 30030);
      assert.ok([row.innerSrc, row.innerDst].includes(ADDR.sub));
      assert.ok(![row.innerSrc, row.innerDst].includes(ADDR.sub2), 'the unmirrored subscriber is never copied');
    }
    assert.equal(rows.filter((x) => x.innerSrc === ADDR.sub).length, 6, 'subscriber to core');
    assert.equal(rows.filter((x) => x.innerDst === ADDR.sub).length, 6, 'core to subscriber');
    // the inner packets are the originals (a capture at the sender sees the
    // UDP checksum before offload fills it in: that field is left out)
    const norm = (p: Buffer): string => {
      const c = Buffer.from(p);
      if (c[0] >> 4 === 4 && c[9] === 17) c.writeUInt16BE(0, (c[0] & 15) * 4 + 6);
      return c.toString('hex');
    };
    const seen = new Set(readPcap(subCap).map(norm));
    const inner = readPcap(file).map((p) => decode(p).inner);
    assert.equal(inner.length, 12);
    for (const p of inner) assert.ok(seen.has(norm(p)), `copy not identical to any packet seen at sub: ${p.toString('hex')}`);
  });

  it('the session state over NETCONF: active, on a pool member, counters rising', async () => {
    const s1 = (await sessions(nc)).find((s) => s.id === '1001');
    assert.ok(s1, 'session 1001 shown');
    assert.equal(s1.state, 'active');
    assert.ok(['vt0', 'vt1'].includes(s1.tunnel!), s1.tunnel);
    assert.equal(s1.interceptId, 12345);
    assert.equal(s1.sessionId, 67890);
    assert.ok(s1.packets >= 12, `packets ${s1.packets}`);
    await traffic(lab, ADDR.sub, 2, 'c');
    const s2 = await until(async () => {
      const s = (await sessions(nc)).find((x) => x.id === '1001');
      return s && s.packets > s1.packets ? s : undefined;
    }, 3000, 'rising counters');
    assert.ok(s2.packets >= s1.packets + 8, `${s1.packets} -> ${s2.packets}`);
    assert.ok(s2.bytes > s1.bytes);
    assert.equal((await sessions(nc)).length, 1, 'bob is not mirrored');
    // the relay's counters: every copy sent, none failed (md is reachable)
    const x = await nc.get(`<services xmlns="${NS_FTS}"><radius-flow-tap><relay-statistics/></radius-flow-tap></services>`);
    const stat = (n: string): number => Number(new RegExp(`<${n}>(\\d+)</${n}>`).exec(x)?.[1] ?? NaN);
    assert.ok(stat('copies-sent') >= s2.packets, `copies-sent ${stat('copies-sent')} for ${s2.packets} mirrored packets`);
    assert.equal(stat('send-failures'), 0);
  });

  it('CoA stop: ACK, stopped notification, nothing more is copied', async () => {
    const r = await lab.radclient('coa', SECRET, ['Acct-Session-Id = "1001"', ...mirrorAttrs('off', handle8(12345, 67890))]);
    assert.equal(r.reply, 'CoA-ACK', r.stdout);
    await events.waitNotification((x) => x.includes('<event>stopped</event>') && x.includes('1001'));
    assert.deepEqual(await sessions(nc), []);
    const cap = await captureMd(lab, 'after-stop');
    assert.equal(await traffic(lab, ADDR.sub, 3, 'd'), 6);
    const rows = tsharkJmirror(await cap.stop());
    assert.equal(rows.length, 0, JSON.stringify(rows));
    assert.equal(lab.filterCount('bsub'), 0, 'no filters left');
  });

  it('an Acct-Session-Id reused by another NAS, or by the same NAS for another user: the mirror stops, and not one packet of the new subscriber is copied', async () => {
    const stoppedFor = (id: string) => (x: string) => x.includes('<event>stopped</event>') && x.includes(`>${id}<`) && x.includes('Acct-Session-Id reused by');
    const mirrored = async (id: string, mid: number, addr: string): Promise<void> => {
      const r = await lab.radclient('coa', SECRET, [`Acct-Session-Id = "${id}"`, ...mirrorAttrs('on', handle8(mid, 1))]);
      assert.equal(r.reply, 'CoA-ACK', r.stdout + r.stderr);
      const cap = await captureMd(lab, `reuse-before-${id}`);
      await traffic(lab, addr, 1, `m${id}`);
      assert.ok(tsharkJmirror(await cap.stop()).some((x) => x.mid === mid), 'mirrored before the reuse');
    };
    // bng1 (NAS-Identifier bng1) reports alice at sub; bng2 reuses her Acct-Session-Id for bob at sub2
    const bng1 = await lab.radclient('acct', SECRET, [...acctStart('1101', 'alice', ADDR.sub), 'NAS-Identifier = "bng1"']);
    assert.equal(bng1.reply, 'Accounting-Response');
    await mirrored('1101', 1101, ADDR.sub);
    const cap = await captureMd(lab, 'reuse-nas');
    const bng2 = await lab.radclient('acct', SECRET, [...acctStart('1101', 'bob', ADDR.sub2), 'NAS-Identifier = "bng2"']);
    assert.equal(bng2.reply, 'Accounting-Response');
    await events.waitNotification(stoppedFor('1101'));
    assert.equal(await traffic(lab, ADDR.sub2, 3, 'n'), 6);
    assert.equal(await traffic(lab, ADDR.sub, 3, 'o'), 6);
    let rows = tsharkJmirror(await cap.stop());
    assert.equal(rows.length, 0, JSON.stringify(rows));
    assert.equal(lab.filterCount('bsub'), 0);
    assert.deepEqual(await sessions(nc), []);

    // the same NAS gives a session's identifier and address to another user (alice's Stop was lost)
    assert.equal((await lab.radclient('acct', SECRET, [...acctStart('1102', 'carol', ADDR.sub), 'NAS-Identifier = "bng1"'])).reply, 'Accounting-Response');
    await mirrored('1102', 1102, ADDR.sub);
    const cap2 = await captureMd(lab, 'reuse-user');
    const dave = await lab.radclient('acct', SECRET, [...acctStart('1102', 'dave', ADDR.sub, 'Interim-Update'), 'NAS-Identifier = "bng1"']);
    assert.equal(dave.reply, 'Accounting-Response');
    await events.waitNotification(stoppedFor('1102'));
    assert.equal(await traffic(lab, ADDR.sub, 3, 'p'), 6);
    rows = tsharkJmirror(await cap2.stop());
    assert.equal(rows.length, 0, JSON.stringify(rows));
    assert.equal(lab.filterCount('bsub'), 0);

    // the subscriber's own new address (same NAS, same User-Name) is still followed
    assert.equal((await lab.radclient('acct', SECRET, [...acctStart('1103', 'erin', ADDR.sub), 'NAS-Identifier = "bng1"'])).reply, 'Accounting-Response');
    await mirrored('1103', 1103, ADDR.sub);
    assert.equal((await lab.radclient('acct', SECRET, [...acctStart('1103', 'erin', ADDR.sub2, 'Interim-Update'), 'NAS-Identifier = "bng1"'])).reply, 'Accounting-Response');
    const cap3 = await captureMd(lab, 'own-address');
    await traffic(lab, ADDR.sub2, 1, 'q');
    rows = tsharkJmirror(await cap3.stop());
    assert.ok(rows.length > 0 && rows.every((x) => x.mid === 1103 && [x.innerSrc, x.innerDst].includes(ADDR.sub2)), JSON.stringify(rows));
  });
});
