/**
 * The tunnel pool of DESIGN.md section 6 against the whole agent inside bng:
 * distribution, a member deleted from the configuration, an external
 * `ip link del`, a new member, and no usable member.
 */
import { strict as assert } from 'assert';
import {
  ADDR, AgentProcess, ERROR_CAUSE, Lab, Netconf, NS_FTS, NS_IF, SECRET, acctStart, captureMd, handle8, labConfig, labUnavailable,
  mirrorAttrs, sessions, startEcho, traffic, tsharkJmirror, tunnelIf, until, type SessionState,
} from './lab';

const byTunnel = (s: SessionState[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const x of s) (out[x.tunnel ?? x.state ?? '?'] ??= []).push(x.id);
  for (const k of Object.keys(out)) out[k].sort();
  return out;
};

describe('lab: tunnel pool', function () {
  this.timeout(120000);
  const lab = new Lab(`ftp${process.pid % 100000}`);
  let agent: AgentProcess;
  let nc: Netconf;
  let events: Netconf;
  const start = (id: string, n: number) => lab.radclient('coa', SECRET, [`Acct-Session-Id = "${id}"`, ...mirrorAttrs('on', handle8(n, n))]);

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
    await nc.configure(labConfig({ pool: ['vt0', 'vt1'] }));
    startEcho(lab);
    const subs: [string, string][] = [['3001', ADDR.sub], ['3002', '192.0.2.62'], ['3003', '192.0.2.63'], ['3004', '192.0.2.64'], ['3005', '192.0.2.65'], ['3006', '192.0.2.66'], ['3007', '192.0.2.67']];
    for (const [id, ip] of subs) assert.equal((await lab.radclient('acct', SECRET, acctStart(id, `u${id}`, ip))).reply, 'Accounting-Response');
  });

  after(() => {
    nc?.close();
    events?.close();
    lab.down();
  });

  it('new mirrors go to the member with the fewest sessions', async () => {
    for (const [i, id] of ['3001', '3002', '3003', '3004'].entries()) assert.equal((await start(id, i + 1)).reply, 'CoA-ACK');
    const t = byTunnel(await sessions(nc));
    assert.equal(t.vt0?.length, 2, JSON.stringify(t));
    assert.equal(t.vt1?.length, 2, JSON.stringify(t));
    assert.match(lab.sh(lab.ns.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'ingress'), /Mirror to device vt1/);
  });

  it('a member deleted from the configuration has its sessions moved (moved notifications); copies continue', async () => {
    const onVt1 = byTunnel(await sessions(nc)).vt1;
    await nc.configure(
      `<services xmlns="${NS_FTS}"><radius-flow-tap><interfaces xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="delete">vt1</interfaces></radius-flow-tap></services>` +
        `<interfaces xmlns="${NS_IF}"><interface xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="delete"><name>vt1</name></interface></interfaces>`,
    );
    const t = byTunnel(await sessions(nc));
    assert.deepEqual(Object.keys(t), ['vt0']);
    assert.equal(t.vt0.length, 4);
    for (const id of onVt1) await events.waitNotification((x) => x.includes('<event>moved</event>') && x.includes(`>${id}<`) && x.includes('vt0'));
    assert.doesNotMatch(lab.sh(lab.ns.bng, 'ip', 'link'), /vt1/, 'the TUN device is removed');
    assert.doesNotMatch(lab.sh(lab.ns.bng, 'tc', 'filter', 'show', 'dev', 'bsub', 'ingress'), /vt1/);
    const cap = await captureMd(lab, 'after-delete');
    await traffic(lab, ADDR.sub, 1, 'p');
    assert.ok(tsharkJmirror(await cap.stop()).some((r) => r.innerSrc === ADDR.sub && r.mid === 1), 'copies of 3001 continue');
  });

  it('a new member takes new sessions; healthy sessions are not shuffled', async () => {
    const before = await sessions(nc);
    await nc.configure(`<interfaces xmlns="${NS_IF}">${tunnelIf('vt2')}</interfaces><services xmlns="${NS_FTS}"><radius-flow-tap><interfaces>vt2</interfaces></radius-flow-tap></services>`);
    assert.deepEqual(byTunnel(await sessions(nc)), byTunnel(before), 'nothing moved');
    assert.match(lab.sh(lab.ns.bng, 'ip', 'link', 'show', 'vt2'), /UP/);
    assert.equal((await start('3005', 5)).reply, 'CoA-ACK');
    assert.equal((await start('3006', 6)).reply, 'CoA-ACK');
    const t = byTunnel(await sessions(nc));
    assert.deepEqual(t.vt2, ['3005', '3006']);
    assert.equal(t.vt0.length, 4);
  });

  it('an external `ip link del` moves its sessions within a second, with moved notifications', async () => {
    const onVt0 = byTunnel(await sessions(nc)).vt0;
    const t0 = Date.now();
    lab.sh(lab.ns.bng, 'ip', 'link', 'del', 'vt0');
    const t = await until(async () => {
      const x = byTunnel(await sessions(nc));
      return x.vt2?.length === 6 ? x : undefined;
    }, 3000, 'sessions moved to vt2');
    const took = Date.now() - t0;
    assert.ok(took < 1000, `moved in ${took} ms`);
    assert.deepEqual(Object.keys(t), ['vt2']);
    for (const id of onVt0) await events.waitNotification((x) => x.includes('<event>moved</event>') && x.includes(`>${id}<`) && x.includes('vt2'), 1000);
    const cap = await captureMd(lab, 'after-link-del');
    await traffic(lab, ADDR.sub, 1, 'q');
    assert.ok(tsharkJmirror(await cap.stop()).some((r) => r.innerSrc === ADDR.sub && r.mid === 1), 'copies continue through vt2');
  });

  it('no usable member: a start gets CoA-NAK 506, running mirrors show no-tunnel; a member coming back takes them', async () => {
    lab.sh(lab.ns.bng, 'ip', 'link', 'set', 'vt2', 'down');
    await until(async () => (await sessions(nc)).every((s) => s.state === 'no-tunnel'), 2000, 'no-tunnel');
    const s = await sessions(nc);
    assert.equal(s.length, 6);
    assert.ok(s.every((x) => x.tunnel === undefined));
    await events.waitNotification((x) => x.includes('<event>failed</event>'), 1000);
    const r = await start('3007', 7);
    assert.equal(r.reply, 'CoA-NAK');
    assert.ok(ERROR_CAUSE[506].includes(r.errorCause ?? ''), r.errorCause);
    assert.equal(lab.filterCount('bsub'), 0, 'no filters point at a dead member');
    lab.sh(lab.ns.bng, 'ip', 'link', 'set', 'vt2', 'up');
    await until(async () => (await sessions(nc)).every((x) => x.state === 'active' && x.tunnel === 'vt2'), 2000, 'back on vt2');
    assert.equal(lab.filterCount('bsub'), 12);
    assert.equal((await start('3007', 7)).reply, 'CoA-ACK');
  });
});
