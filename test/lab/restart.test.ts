/**
 * kill -9 of the agent with mirrors active, then a restart: the same
 * sessions on the same members, no duplicate tc filters, and copies resume.
 * Mirroring does not stop while the agent is down (the kernel keeps the
 * filters; only the relay is gone).
 */
import { strict as assert } from 'assert';
import {
  ADDR, AgentProcess, Lab, Netconf, SECRET, acctStart, captureMd, handle8, labConfig, labUnavailable, mirrorAttrs, sessions,
  startEcho, subscriberIds, traffic, tsharkJmirror, until,
} from './lab';

describe('lab: kill -9 and restart with mirrors active', function () {
  this.timeout(120000);
  const lab = new Lab(`ftr${process.pid % 100000}`);
  let agent: AgentProcess;
  let nc: Netconf | undefined;

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
    await nc.configure(labConfig());
    startEcho(lab);
    for (const [id, ip] of [['4001', ADDR.sub], ['4002', ADDR.sub2], ['4003', '192.0.2.73']]) {
      assert.equal((await lab.radclient('acct', SECRET, acctStart(id, `u${id}`, ip))).reply, 'Accounting-Response');
      assert.equal((await lab.radclient('coa', SECRET, [`Acct-Session-Id = "${id}"`, ...mirrorAttrs('on', handle8(Number(id), 1))])).reply, 'CoA-ACK');
    }
  });

  after(() => {
    nc?.close();
    lab.down();
  });

  it('comes back with the same sessions on the same members, no duplicate filters, and copies resume', async () => {
    const before = (await sessions(nc!)).map((s) => [s.id, s.tunnel, s.state, s.interceptId]).sort();
    assert.equal(before.length, 3);
    const filters = lab.filterCount('bsub');
    assert.equal(filters, 6);
    const tcBefore = lab.sh(lab.ns.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'ingress');
    nc!.close();
    nc = undefined;
    await agent.kill9();
    // the filters stay in the kernel while the agent is away
    assert.equal(lab.filterCount('bsub'), filters);
    await agent.start();
    nc = await Netconf.open(lab);
    assert.deepEqual((await sessions(nc)).map((s) => [s.id, s.tunnel, s.state, s.interceptId]).sort(), before);
    assert.deepEqual((await subscriberIds(nc)).sort(), ['4001', '4002', '4003']);
    assert.equal(lab.filterCount('bsub'), filters, 'no duplicate filters');
    assert.equal(lab.sh(lab.ns.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'ingress'), tcBefore, 'the filters were adopted, not replaced');
    const cap = await captureMd(lab, 'after-restart');
    assert.equal(await traffic(lab, ADDR.sub, 2, 'r'), 4);
    const rows = tsharkJmirror(await cap.stop());
    assert.equal(rows.filter((r) => r.mid === 4001).length, 8, JSON.stringify(rows));
    const s = await until(async () => (await sessions(nc!)).find((x) => x.id === '4001' && x.packets >= 8), 2000, 'counters after restart');
    assert.equal(s.state, 'active');
  });

  it('a second kill -9 right after a CoA keeps that CoA (acknowledged means saved)', async () => {
    assert.equal((await lab.radclient('coa', SECRET, ['Acct-Session-Id = "4003"', ...mirrorAttrs('off', handle8(4003, 1))])).reply, 'CoA-ACK');
    nc!.close();
    nc = undefined;
    await agent.kill9();
    await agent.start();
    nc = await Netconf.open(lab);
    assert.deepEqual((await sessions(nc)).map((s) => s.id).sort(), ['4001', '4002']);
    assert.equal(lab.filterCount('bsub'), 4);
  });
});
