/**
 * Two builds of flowtapd side by side, to judge a change by its effect on
 * the edit-config+commit latency: this machine's speed drifts by up to 2x
 * within minutes, so two benchmark runs one after the other differ by more
 * than most changes do. Here both agents run at once (each with its own
 * durable data directory) and one client times edit-config+commit pairs on
 * each in blocks that take turns (which goes first alternates), so that
 * both see the host in the same seconds; only the difference between A and
 * B means something, and it takes several runs to trust it.
 *
 *   As root:  npx tsx bench/ab.ts [--pairs 2000] [--block 50] [--entries 0]
 *                                 [--a-root DIR] [--b-root DIR] [--env-b K=V,K=V]
 *
 * --a-root / --b-root: the checkout each agent runs from (default: this
 * one), e.g. a `git worktree add /tmp/base <rev>` of the build to compare
 * with (link its node_modules to this checkout's and copy native/build).
 * --env-b: environment variables for agent B only (an experiment behind a
 * switch). --entries: interfaces configured before the pairs (the size of
 * running.xml). AB_FLAGS_A / AB_FLAGS_B: Node flags for the agent
 * (--cpu-prof, --perf-basic-prof, --trace-gc-nvp, --trace-deopt ...);
 * each agent runs as installed (tsc's dist/ of its checkout, built first),
 * or from its sources through tsx with AB_TSX_A=1 / AB_TSX_B=1;
 * AB_STDOUT_A / AB_STDOUT_B: a file for its standard output, where the
 * --trace-* flags write (otherwise dropped).
 *
 * Prints per build the pairs' p50 ... p99.9 and mean, the p99 without the
 * first three pairs of each block (a block starts after the other agent's:
 * its caches are cold then), agent A's CPU per pair by thread, and the
 * disk's requests per pair of either agent (/sys/block/<disk>/stat).
 * It runs in a network namespace of its own (only loopback), removed at
 * the end with both agents.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NetconfClient } from '../src/netconf/client';
import { connectWhenUp, installedAgent } from './agent-study';
import { own, ownDir, rerunInOwnNetns, runInner } from './own-netns';
import { arg } from './args';

const NS_IF = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const IANAIFT = 'urn:ietf:params:xml:ns:yang:iana-if-type';
const MAIN_JS = "require('./src/cli/main').main(process.argv.slice(1)).then((c) => process.exit(c))";

const PAIRS = Number(arg('--pairs', '2000'));
const BLOCK = Number(arg('--block', '50'));
const ENTRIES = Number(arg('--entries', '0'));
const ROOT_A = path.resolve(arg('--a-root', path.join(__dirname, '..')));
const ROOT_B = path.resolve(arg('--b-root', path.join(__dirname, '..')));
const ENV_B: Record<string, string> = Object.fromEntries(
  arg('--env-b', '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

interface Agent {
  name: 'A' | 'B';
  proc: ChildProcess;
  c: NetconfClient;
  lat: number[];
}

async function startAgent(name: 'A' | 'B', root: string, port: number, env: Record<string, string>, tmp: string): Promise<Agent> {
  const flags = (process.env[`AB_FLAGS_${name}`] ?? '').split(' ').filter(Boolean);
  // AB_TSX_A / AB_TSX_B: that agent runs from its sources through tsx instead of as installed
  const entry = process.env[`AB_TSX_${name}`] ? [...flags, '--require', 'tsx/cjs', '-e', MAIN_JS, '--'] : installedAgent(root, flags);
  const proc = own(spawn(process.execPath, [...entry, '--data-dir', path.join(tmp, name), '--netconf-listen', `127.0.0.1:${port}`, '--log-level', 'warn'], {
    cwd: root,
    env: { ...process.env, ...env, FLOWTAPD_BOOTSTRAP_USER: 'admin:bench-pw' },
    stdio: ['ignore', process.env[`AB_STDOUT_${name}`] ? fs.openSync(process.env[`AB_STDOUT_${name}`]!, 'w') : 'ignore', 'inherit'],
  }));
  const c = await connectWhenUp(proc, port, { username: 'admin', password: 'bench-pw' }, () => `agent ${name}`);
  return { name, proc, c, lat: [] };
}

async function commit(c: NetconfClient, config: string): Promise<void> {
  await c.rpcOk(`<edit-config><target><candidate/></target><config>${config}</config></edit-config>`);
  await c.rpcOk('<commit/>');
}

/** the RADIUS ports (the factory default 3799 and 1813) moved, so that two agents can run */
function ports(base: number): string {
  return `<access xmlns="urn:flowtapd:yang:access"><radius-disconnect-port>${base + 3799}</radius-disconnect-port><radius-accounting-port>${base + 1813}</radius-accounting-port></access>`;
}

async function pairs(a: Agent, from: number, to: number, timed: boolean): Promise<void> {
  for (let i = from; i < to; i++) {
    const t0 = performance.now();
    await commit(a.c, `<interfaces xmlns="${NS_IF}"><interface><name>bench0</name><description>rev ${i}</description></interface></interfaces>`);
    if (timed) a.lat.push(performance.now() - t0);
  }
}

/** user and system CPU (ms) of each thread of a process */
function threadCpu(pid: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    const st = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    out.set(`${t} (${st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'))})`, [Number(f[11]) * 10, Number(f[12]) * 10]);
  }
  return out;
}

/** the block device the data directories are on, and its counters */
function diskStat(dir: string): (() => number[]) | null {
  try {
    const dev = fs.statSync(dir).dev;
    const file = `/sys/dev/block/${Math.floor(dev / 256)}:${dev % 256}/stat`;
    const read = (): number[] => fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    read();
    return read;
  } catch {
    return null;
  }
}

async function inner(): Promise<void> {
  const tmp = ownDir(fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-ab-')));
  const agents: Agent[] = [];
  try {
    agents.push(await startAgent('A', ROOT_A, 18841, {}, tmp));
    await commit(agents[0].c, ports(10000));
    agents.push(await startAgent('B', ROOT_B, 18842, ENV_B, tmp));
    await commit(agents[1].c, ports(20000));
    const big: string[] = [];
    for (let i = 0; i < ENTRIES; i++) big.push(`<interface><name>e${i}</name><type xmlns:ianaift="${IANAIFT}">ianaift:ethernetCsmacd</type><description>entry ${i} of the configuration</description></interface>`);
    for (const a of agents) {
      await commit(a.c, `<interfaces xmlns="${NS_IF}"><interface><name>bench0</name><type xmlns:ianaift="${IANAIFT}">ianaift:ethernetCsmacd</type></interface>${big.join('')}</interfaces>`);
      await pairs(a, -1000, 0, false); // the same warm-up for both
    }
    const cpu0 = threadCpu(agents[0].proc.pid!);
    const disk = diskStat(tmp);
    const disk0 = disk?.();
    for (let done = 0, round = 0; done < PAIRS; done += BLOCK, round++) {
      for (const a of round % 2 ? [...agents].reverse() : agents) await pairs(a, done, Math.min(PAIRS, done + BLOCK), true);
    }
    const cpu1 = threadCpu(agents[0].proc.pid!);
    const disk1 = disk?.();
    console.log(`${PAIRS} pairs each, blocks of ${BLOCK}, ${ENTRIES} more interfaces; A: ${ROOT_A}; B: ${ROOT_B} ${JSON.stringify(ENV_B)}`);
    for (const a of agents) {
      const warm = a.lat.filter((_x, i) => i % BLOCK > 2);
      const mean = a.lat.reduce((s, x) => s + x, 0) / a.lat.length;
      console.log(`${a.name}  p50 ${pct(a.lat, 50).toFixed(3)}  p90 ${pct(a.lat, 90).toFixed(3)}  p99 ${pct(a.lat, 99).toFixed(3)}  p99.9 ${pct(a.lat, 99.9).toFixed(3)}  mean ${mean.toFixed(3)} ms | p99 after each block's third pair ${pct(warm, 99).toFixed(3)} ms`);
    }
    for (const [t, [u, s]] of cpu1) {
      const [u0, s0] = cpu0.get(t) ?? [0, 0];
      if (u - u0 + s - s0 > 0) console.log(`  A thread ${t}: user ${((u - u0) / PAIRS).toFixed(3)} system ${((s - s0) / PAIRS).toFixed(3)} ms per pair`);
    }
    if (disk0 && disk1) {
      // fields: writes completed 4, sectors written 6, ms writing 7, flushes completed 15, ms flushing 16
      const per = (i: number): string => ((disk1[i] - disk0[i]) / (2 * PAIRS)).toFixed(2);
      console.log(`  disk per pair (either agent): ${per(4)} writes (${per(6)} sectors, ${per(7)} ms), ${per(15)} flushes (${per(16)} ms)`);
    }
  } finally {
    for (const a of agents) {
      await a.c.close().catch(() => undefined);
      a.proc.kill('SIGTERM');
    }
    await sleep(500);
    for (const a of agents) if (a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.env.FLOWTAPD_AB_INNER) runInner('bench/ab', inner);
else rerunInOwnNetns('bench/ab', __filename, 'FLOWTAPD_AB_INNER', 'a network namespace of its own');
