/**
 * Dataplane benchmark (issue 6): the packet rate bng forwards with 0, 2,048
 * and 65,536 mirrors of OTHER subscribers installed on the subscriber
 * interface, and the time to install 65,536 mirrors (tc u32 + mirred through
 * our netlink encoding). Target: with 65,536 at least 90% of the rate with none.
 *
 * As root:  npx tsx bench/dataplane.ts [--counts 0,2048,65536] [--seconds 3] [--reps 3] [--size 64]
 *
 * Lab of DESIGN.md 8 (tools/lab.sh): sub -- bng -- core. The Dataplane runs in
 * bng (test/dataplane/driver.ts). The mirrors are of 198.18.0.0/16 (RFC 2544
 * benchmarking range), every 16th with an IPv6 /64 too; the traffic is of the
 * unmirrored subscriber 192.0.2.11, so every packet walks the tables and
 * matches nothing (the cost a mirror adds to everybody else's traffic).
 *
 * Sender: the kernel here has no pktgen (CONFIG_NET_PKTGEN is off) and scapy
 * is far too slow, so the sender is this file itself (--sender), in sub or
 * core: crafted IPv4/UDP packets through the native addon's raw socket,
 * sendmmsg 256 at a time, for a fixed time (or paced with --pps, for
 * bench/relay.ts). Counted at the receiver's veth
 * (/sys/class/net/X/statistics/rx_packets), i.e. what bng forwarded.
 *   upstream:   sub 192.0.2.11 -> core 198.51.100.20 (bsub ingress hook, source hashed)
 *   downstream: core 198.51.100.20 -> sub 192.0.2.11 (bsub egress hook, destination hashed)
 * Sender, bng and receiver share the machine's CPUs, so the figure is the
 * rate of the whole path; what matters is the ratio between mirror counts in
 * one run. Runs alternate between the counts' steps, medians are printed.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';
import { arg } from './args';

const ROOT = path.join(__dirname, '..');

// ---- sender mode (runs inside a namespace) ----

function sender(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { native } = require('../src/dataplane/native') as typeof import('../src/dataplane/native');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ipv4ToNumber } = require('../src/relay/jmirror') as typeof import('../src/relay/jmirror');
  const src = ipv4ToNumber(arg('--src', '192.0.2.11'));
  const dst = ipv4ToNumber(arg('--dst', '198.51.100.20'));
  const size = Number(arg('--size', '64'));
  const ms = Number(arg('--ms', '3000'));
  const N = 256;
  const buf = Buffer.alloc(N * size);
  const offs = new Uint32Array(N);
  const lens = new Uint32Array(N);
  const dsts = new Uint32Array(N).fill(dst);
  for (let i = 0; i < N; i++) {
    const o = i * size;
    offs[i] = o;
    lens[i] = size;
    buf[o] = 0x45;
    buf.writeUInt16BE(size, o + 2);
    buf.writeUInt16BE(i, o + 4);
    buf[o + 8] = 64;
    buf[o + 9] = 17;
    buf.writeUInt32BE(src, o + 12);
    buf.writeUInt32BE(dst, o + 16);
    let sum = 0;
    for (let j = 0; j < 20; j += 2) sum += buf.readUInt16BE(o + j);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    buf.writeUInt16BE(~sum & 0xffff, o + 10);
    buf.writeUInt16BE(40000 + (i & 15), o + 20); // a few flows
    buf.writeUInt16BE(9, o + 22); // discard
    buf.writeUInt16BE(size - 20, o + 24);
    buf.writeUInt16BE(0, o + 26); // no UDP checksum
  }
  // --pps R: paced at R packets/s (sleeping a millisecond between bursts), else as fast as it can
  const pps = Number(arg('--pps', '0'));
  const fd = native().rawOpen();
  let sent = 0;
  const t0 = Date.now();
  const end = t0 + ms;
  if (pps > 0) {
    const tick = new Int32Array(new SharedArrayBuffer(4));
    for (let t = Date.now(); t < end; t = Date.now()) {
      const due = Math.floor(((t - t0) * pps) / 1000);
      while (sent < due) sent += Math.max(1, native().sendBatch(fd, buf, offs, lens, dsts, Math.min(N, due - sent)));
      Atomics.wait(tick, 0, 0, 1);
    }
  } else while (Date.now() < end) for (let k = 0; k < 16; k++) sent += native().sendBatch(fd, buf, offs, lens, dsts, N);
  native().close(fd);
  process.stdout.write(JSON.stringify({ sent, ms: Date.now() - t0 }) + '\n');
}

// ---- benchmark mode ----

const P = `ftbd${process.pid % 100000}`;
const NS = { sub: `${P}-sub`, bng: `${P}-bng`, core: `${P}-core` };
const sh = (ns: string, ...args: string[]): string => execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });
const rx = (ns: string, dev: string): number => Number(sh(ns, 'cat', `/sys/class/net/${dev}/statistics/rx_packets`));

class Driver {
  readonly proc: ChildProcess;
  private waiters: ((l: string) => void)[] = [];
  constructor() {
    this.proc = spawn('ip', ['netns', 'exec', NS.bng, process.execPath, '-r', 'tsx/cjs', path.join(ROOT, 'test', 'dataplane', 'driver.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    readline.createInterface({ input: this.proc.stdout! }).on('line', (l) => this.waiters.shift()?.(l));
  }
  next(): Promise<Record<string, unknown>> {
    return new Promise((r) => this.waiters.push((x) => r(JSON.parse(x))));
  }
  async call(cmd: unknown): Promise<Record<string, unknown>> {
    const p = this.next();
    this.proc.stdin!.write(JSON.stringify(cmd) + '\n');
    return p;
  }
}

function mirrors(n: number): unknown[] {
  const out = [];
  for (let i = 1; i <= n; i++) {
    const addresses = [`198.18.${(i >> 8) & 255}.${i & 255}`];
    if (i % 16 === 0) addresses.push(`2001:db8:8000:${(i & 0xffff).toString(16)}::/64`);
    out.push({ key: `o${i}`, addresses, tunnel: i & 1 ? 'vt1' : 'vt0', interceptId: i, sessionId: i, medIp: '203.0.113.99', medPort: 30030, dropRules: [] });
  }
  return out;
}

const state = (n: number): unknown => ({
  pool: [{ name: 'vt0' }, { name: 'vt1' }], subscriberInterfaces: ['bsub'], sourceIpv4: '203.0.113.1', multicast: false, mirrors: mirrors(n),
});

async function send(dir: 'up' | 'down', ms: number, size: number): Promise<{ sent: number; forwarded: number }> {
  const [from, to, src, dst, dev] = dir === 'up' ? [NS.sub, NS.core, '192.0.2.11', '198.51.100.20', 'c0'] : [NS.core, NS.sub, '198.51.100.20', '192.0.2.11', 's0'];
  const before = rx(to, dev);
  const out = execFileSync('ip', ['netns', 'exec', from, process.execPath, '-r', 'tsx/cjs', __filename, '--sender', '--src', src, '--dst', dst, '--ms', String(ms), '--size', String(size)], { cwd: ROOT, encoding: 'utf8' });
  await new Promise((r) => setTimeout(r, 200));
  return { sent: (JSON.parse(out) as { sent: number }).sent, forwarded: rx(to, dev) - before };
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root (network namespaces)');
  const counts = arg('--counts', '0,2048,65536').split(',').map(Number);
  const seconds = Number(arg('--seconds', '3'));
  const reps = Number(arg('--reps', '3'));
  const size = Number(arg('--size', '64'));
  execFileSync(path.join(ROOT, 'tools', 'lab.sh'), ['up', P], { stdio: 'ignore' });
  let drv: Driver | undefined;
  try {
    drv = new Driver();
    await drv.next();
    // warm up (ARP both ways)
    await send('up', 300, size);
    await send('down', 300, size);
    console.log(`dataplane bench: ${size}-byte IPv4/UDP packets of an unmirrored subscriber through bng, ${seconds} s x ${reps} per step, medians`);
    console.log('sender: native addon raw socket + sendmmsg (no pktgen in this kernel); counted at the receiving veth');
    const rates = new Map<number, { up: number[]; down: number[]; sentUp: number[] }>();
    for (const n of counts) rates.set(n, { up: [], down: [], sentUp: [] });
    // install each count once per pass; the passes give the repetitions
    for (let rep = 0; rep < reps; rep++) {
      for (const n of counts) {
        const r = await drv.call({ op: 'apply', state: state(n) });
        if (!r.ok) throw new Error(String(r.error));
        if (rep === 0 && n) console.log(`  install ${n} mirrors (${(2 * (n + Math.floor(n / 16))).toLocaleString('en')} filters): ${((r.ms as number) / 1000).toFixed(2)} s`);
        const up = await send('up', seconds * 1000, size);
        const down = await send('down', seconds * 1000, size);
        rates.get(n)!.up.push(up.forwarded / seconds);
        rates.get(n)!.sentUp.push(up.sent / seconds);
        rates.get(n)!.down.push(down.forwarded / seconds);
      }
    }
    const base = rates.get(counts[0])!;
    console.log('');
    console.log('mirrors   upstream pkt/s (ingress)   downstream pkt/s (egress)   vs none (up/down)   sender offered up');
    for (const n of counts) {
      const r = rates.get(n)!;
      const up = median(r.up);
      const down = median(r.down);
      console.log(
        `${String(n).padStart(7)}   ${Math.round(up).toLocaleString('en').padStart(24)}   ${Math.round(down).toLocaleString('en').padStart(25)}   ` +
          `${((100 * up) / median(base.up)).toFixed(1).padStart(6)}% / ${((100 * down) / median(base.down)).toFixed(1).padStart(5)}%   ${Math.round(median(r.sentUp)).toLocaleString('en').padStart(17)}`,
      );
    }
    const last = rates.get(counts[counts.length - 1])!;
    const ratio = Math.min(median(last.up) / median(base.up), median(last.down) / median(base.down));
    console.log(`\ntarget: ${counts[counts.length - 1]} mirrors >= 90% of the rate with ${counts[0]}: ${ratio >= 0.9 ? 'met' : 'NOT met'} (${(ratio * 100).toFixed(1)}%)`);
    const t = await drv.call({ op: 'apply', state: state(0) });
    console.log(`remove all mirrors: ${((t.ms as number) / 1000).toFixed(2)} s`);
    await drv.call({ op: 'exit' });
  } finally {
    if (drv?.proc.pid && drv.proc.exitCode === null) drv.proc.kill('SIGKILL');
    execFileSync(path.join(ROOT, 'tools', 'lab.sh'), ['down', P], { stdio: 'ignore' });
  }
}

if (process.argv.includes('--sender')) sender();
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
