/**
 * CoA benchmark (issue 5): CoA start/stop per second and reply-time
 * percentiles with 2,048 and 65,536 subscribers known, the whole agent in
 * process, a pipelined RADIUS client on loopback (on a worker thread of its
 * own, so that it does not share the agent's thread), after one untimed
 * round of the same starts and stops.
 *
 * Two dataplanes, same run:
 *   null   - the mirror logic, RADIUS and persistence only (an in-memory
 *            dataplane double swapped in after start): "when the dataplane
 *            is not the limit";
 *   kernel - the real Dataplane (TUN pool, tc u32/mirred on a veth, relay),
 *            as shipped.
 *
 * As root:  npx tsx bench/coa.ts [--subs 2048,65536] [--coas 2000] [--window 32] [--modes null,kernel]
 * It creates one network namespace (ftbc<PID>), reruns itself inside, and removes it.
 */
import { execFileSync, spawn } from 'child_process';
import * as dgram from 'dgram';
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';
import { Agent } from '../src/daemon/agent';
import type { DesiredState } from '../src/dataplane';
import { silentLogger } from '../src/log';
import { Code, encodeMirrorVsas, encodeRequest, encodeText } from '../src/radius/codec';
import { Netconf, NS_COS, NS_FTA, NS_FTS, NS_IF, tunnelIf } from '../test/lab/lab';
import { arg } from './args';

const SECRET = 'bench-secret';

class NullDataplane {
  readonly linkEvents = new EventEmitter();
  last?: DesiredState;
  async prepare(d: DesiredState) {
    return { apply: async () => void (this.last = d), abort: async () => undefined };
  }
  async setMirror() {}
  counters() {
    return undefined;
  }
  start() {}
  async close() {}
}

function config(poolSize: number, maxSessions: number, subscriberIf: string): string {
  const pool = Array.from({ length: poolSize }, (_, i) => `vt${i}`);
  return (
    `<interfaces xmlns="${NS_IF}">${pool.map((p) => tunnelIf(p)).join('')}</interfaces>` +
    `<class-of-service xmlns="${NS_COS}"><forwarding-classes><class><name>li</name><queue-num>3</queue-num><dscp>10</dscp></class></forwarding-classes></class-of-service>` +
    `<services xmlns="${NS_FTS}"><flow-tap/><radius-flow-tap>${pool.map((p) => `<interfaces>${p}</interfaces>`).join('')}` +
    `<source-ipv4-address>203.0.113.1</source-ipv4-address><forwarding-class>li</forwarding-class><maximum-sessions>${maxSessions}</maximum-sessions>` +
    `<subscriber-interfaces>${subscriberIf}</subscriber-interfaces></radius-flow-tap></services>` +
    `<access xmlns="${NS_FTA}"><radius-client><address>127.0.0.1</address><secret>${SECRET}</secret></radius-client></access>`
  );
}

/** Subscriber i: Acct-Session-Id "b<i>", address 10.x.y.z (inside the namespace only). */
const subAddr = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

function seedSubscribers(dataDir: string, n: number): void {
  const dir = path.join(dataDir, 'state');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const now = new Date().toISOString();
  const subs = Array.from({ length: n }, (_, i) => ({ acctSessionId: `b${i}`, userName: `user${i}`, framedIp: subAddr(i), client: '127.0.0.1', startTime: now }));
  fs.writeFileSync(path.join(dir, 'subscribers.json'), JSON.stringify(subs), { mode: 0o600 });
}

interface Result {
  n: number;
  perSec: number;
  p50: number;
  p99: number;
  max: number;
  naks: number;
}

/** Sends `reqs` with at most `window` outstanding; returns rate and reply-time percentiles. */
function pipeline(port: number, reqs: Buffer[], window: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const sentAt = new Map<number, number>();
    const times: number[] = [];
    let next = 0;
    let naks = 0;
    const t0 = process.hrtime.bigint();
    const now = (): number => Number(process.hrtime.bigint() - t0) / 1e6;
    const send = (): void => {
      while (next < reqs.length && sentAt.size < window) {
        const r = reqs[next++];
        sentAt.set(r[1], now());
        sock.send(r, port, '127.0.0.1');
      }
    };
    const timer = setInterval(() => {
      // a lost datagram: give up on it after 5 s (counted as a NAK)
      const t = now();
      for (const [id, at] of sentAt) if (t - at > 5000) {
        sentAt.delete(id);
        naks++;
      }
      send();
    }, 1000);
    sock.on('message', (m) => {
      const at = sentAt.get(m[1]);
      if (at === undefined) return;
      sentAt.delete(m[1]);
      times.push(now() - at);
      if (m[0] !== Code.CoaAck) naks++;
      if (next >= reqs.length && sentAt.size === 0) {
        clearInterval(timer);
        const total = now();
        sock.close();
        times.sort((a, b) => a - b);
        const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;
        resolve({ n: reqs.length, perSec: (reqs.length / total) * 1000, p50: q(0.5), p99: q(0.99), max: times[times.length - 1], naks });
      } else send();
    });
    sock.on('error', reject);
    sock.bind(0, '127.0.0.1', send);
  });
}

/** pipeline() on a worker thread: the client's sends, receives and timing do not share the agent's thread. */
function pipelineOnWorker(port: number, reqs: Buffer[], window: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const w = new Worker(__filename, { workerData: { port, reqs, window }, execArgv: ['--require', 'tsx/cjs'] });
    w.once('message', (r: Result) => resolve(r));
    w.once('error', reject);
    w.once('exit', (code) => (code ? reject(new Error(`client worker exited ${code}`)) : undefined));
  });
}

function coaPackets(ids: number[], action: 0 | 1, idBase: number): Buffer[] {
  return ids.map((i, k) => {
    const handle = Buffer.alloc(8);
    handle.writeUInt32BE(i & 0x3fffffff, 0);
    handle.writeUInt32BE(i, 4);
    return encodeRequest(Code.CoaRequest, (idBase + k) & 255, [
      { type: 44, value: encodeText(`b${i}`) },
      encodeMirrorVsas({ liAction: action, medDevHandle: handle, medIp: '203.0.113.99', medPort: 30030 }, SECRET),
    ], SECRET);
  });
}

async function runOne(mode: 'null' | 'kernel', subs: number, coas: number, window: number): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftbc-'));
  try {
    seedSubscribers(dataDir, subs);
    const agent = new Agent({ dataDir, listen: { host: '127.0.0.1', port: 0 }, log: silentLogger, bootstrap: 'admin:pw', radiusPorts: { coaPort: 0, acctPort: 0 } });
    const { port } = await agent.start();
    const nc = await Netconf.direct(port);
    await nc.configure(config(4, Math.max(2048, subs), 'bsub'));
    nc.close();
    if (mode === 'null') {
      // the in-memory double in place of the kernel dataplane (bench only)
      const deps = (agent.mirror as unknown as { deps: { dataplane: { close(): Promise<void> } } }).deps;
      await deps.dataplane.close();
      deps.dataplane = new NullDataplane();
    }
    const coaPort = agent.radius!.ports().coaPort;
    // the mirrored subscribers, spread over the whole table
    const ids = Array.from({ length: coas }, (_, k) => Math.floor((k * subs) / coas));
    // warm-up: the same starts and stops once, untimed (fresh packets: new salts, so not retransmissions)
    await pipelineOnWorker(coaPort, coaPackets(ids, 1, 0), window);
    await pipelineOnWorker(coaPort, coaPackets(ids, 0, 128), window);
    const start = await pipelineOnWorker(coaPort, coaPackets(ids, 1, 0), window);
    const mid = agent.mirror!.sessionsState().length;
    const stop = await pipelineOnWorker(coaPort, coaPackets(ids, 0, 128), window);
    const fmt = (r: Result): string => `${r.perSec.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(2).padStart(8)} ms  p99 ${r.p99.toFixed(2).padStart(8)} ms  max ${r.max.toFixed(1).padStart(8)} ms  naks ${r.naks}`;
    process.stdout.write(`coa  dataplane=${mode.padEnd(6)} subscribers=${String(subs).padStart(6)}  ${coas} starts: ${fmt(start)}   (${mid} mirrors up)\n`);
    process.stdout.write(`coa  dataplane=${mode.padEnd(6)} subscribers=${String(subs).padStart(6)}  ${coas} stops:  ${fmt(stop)}\n`);
    await agent.stop();
    // the TUN devices persist across agent restarts by design; the next run starts clean
    for (let i = 0; i < 4; i++) try { execFileSync('ip', ['link', 'del', `vt${i}`], { stdio: 'ignore' }); } catch { /* absent */ }
    try { execFileSync('tc', ['qdisc', 'del', 'dev', 'bsub', 'clsact'], { stdio: 'ignore' }); } catch { /* absent */ }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function inner(): Promise<void> {
  const subsList = arg('--subs', '2048,65536').split(',').map(Number);
  const coas = Number(arg('--coas', '2000'));
  const window = Number(arg('--window', '32'));
  const modes = arg('--modes', 'null,kernel').split(',') as ('null' | 'kernel')[];
  process.stdout.write(`CoA benchmark: ${coas} starts then ${coas} stops, window ${window}, node ${process.version}, ${os.cpus().length} CPUs\n`);
  for (const mode of modes) for (const subs of subsList) await runOne(mode, subs, Math.min(coas, subs), window);
  process.exit(0);
}

function outer(): void {
  if (process.getuid?.() !== 0) {
    process.stderr.write('bench/coa.ts: needs root (it runs the agent in its own network namespace)\n');
    process.exit(2);
  }
  const ns = `ftbc${process.pid % 100000}`;
  const cleanup = (): void => {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  };
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const x = (...a: string[]): void => void execFileSync('ip', ['netns', 'exec', ns, ...a]);
    x('ip', 'link', 'set', 'lo', 'up');
    x('ip', 'link', 'add', 'bsub', 'type', 'veth', 'peer', 'name', 'bsubp');
    x('ip', 'link', 'set', 'bsub', 'up');
    x('ip', 'link', 'set', 'bsubp', 'up');
  } catch (e) {
    cleanup();
    throw e;
  }
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', __filename, '--inner', ...process.argv.slice(2)], { stdio: 'inherit' });
  const stop = (): void => {
    if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => {
    cleanup();
    process.exit(code ?? 1);
  });
}

if (!isMainThread) {
  const d = workerData as { port: number; reqs: Uint8Array[]; window: number };
  void pipeline(d.port, d.reqs.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength)), d.window).then((r) => parentPort!.postMessage(r));
} else if (process.argv.includes('--inner')) inner().catch((e) => {
  process.stderr.write(`bench/coa.ts: ${(e as Error).stack}\n`);
  process.exit(1);
});
else outer();
