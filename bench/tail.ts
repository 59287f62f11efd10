/**
 * What holds the slowest edit-config+commit pairs. The agent (as
 * installed) and this client run in a network namespace of their own; the
 * timed pairs are traced with the kernel's scheduler tracepoints and the
 * agent's fsync and fdatasync calls (/sys/kernel/tracing), with a marker
 * written at each pair's start and end, and every pair slower than
 * --slow ms is taken apart by what ran or waited inside it. This is how
 * the ninth session found the replay log's records behind the agent's
 * scavenges and the JIT's late compiles on its helper threads (bench/README.md,
 * "Where flowtapd's commit p99 goes").
 *
 *   As root:  npx tsx bench/tail.ts [--pairs 2000] [--warm 1000] [--entries 0] [--slow 2.5]
 *
 * Columns, ms inside the pair: the agent's main thread on a CPU, its other
 * threads (V8's helpers) on a CPU, the same for this client, the agent's
 * and the client's main thread runnable but waiting for a CPU, the agent
 * inside fsync/fdatasync (the disk), and other processes on a CPU (the
 * busiest named). The median of each column over all pairs comes first,
 * for scale. The tracing state (events, buffer size, tracing_on) is put
 * back at the end.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NetconfClient } from '../src/netconf/client';
import { agentNodeFlags, connectWhenUp, installedAgent } from './agent-study';
import { own, ownDir, rerunInOwnNetns, runInner } from './own-netns';
import { arg } from './args';
import { idleClientJit } from './idle-jit';

const NS_IF = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const IANAIFT = 'urn:ietf:params:xml:ns:yang:iana-if-type';
const EVENTS = ['sched/sched_switch', 'sched/sched_wakeup', 'syscalls/sys_enter_fsync', 'syscalls/sys_exit_fsync', 'syscalls/sys_enter_fdatasync', 'syscalls/sys_exit_fdatasync'];

const PAIRS = Number(arg('--pairs', '2000'));
const WARM = Number(arg('--warm', '1000'));
const ENTRIES = Number(arg('--entries', '0'));
const SLOW = Number(arg('--slow', '2.5'));


interface Event {
  comm: string;
  tid: number;
  cpu: number;
  t: number;
  name: string;
  rest: string;
}

const LINE = /^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+([\d.]+): (\w+)(: |\(| -> )(.*)$/;

function parseTrace(text: string): Event[] {
  const out: Event[] = [];
  for (const l of text.split('\n')) {
    const m = LINE.exec(l);
    if (!m) continue;
    // syscalls print as "sys_fsync(fd: 0x1a)" on entry and "sys_fsync -> 0x0" on exit
    const name = m[6] === '(' ? `enter_${m[5]}` : m[6] === ' -> ' ? `exit_${m[5]}` : m[5];
    out.push({ comm: m[1], tid: Number(m[2]), cpu: Number(m[3]), t: Number(m[4]) * 1000, name, rest: m[7] });
  }
  return out;
}

const SWITCH = /prev_comm=(.*?) prev_pid=(\d+) .*==> next_comm=(.*?) next_pid=(\d+)/;
/** the columns, and their headings */
const COLUMNS = ['agent main', 'agent helpers', 'client main', 'client helpers', 'agent waits', 'client waits', 'fsync', 'others'] as const;
const HEADS = ['A main', 'A help', 'C main', 'C help', 'A wait', 'C wait', 'fsync', 'others'];

interface Pair {
  i: number;
  ms: number;
  cols: number[];
  busiest: string;
}

/** Take each marked pair apart (see the file's comment). */
function analyse(ev: Event[], agent: { main: number; threads: Set<number> }, client: { main: number; threads: Set<number> }): Pair[] {
  const who = (tid: number): number => (tid === agent.main ? 0 : agent.threads.has(tid) ? 1 : tid === client.main ? 2 : client.threads.has(tid) ? 3 : tid === 0 ? -1 : 7);
  const pairs: Pair[] = [];
  let start = -1;
  for (let k = 0; k < ev.length; k++) {
    const e = ev[k];
    if (e.name !== 'tracing_mark_write') continue;
    const m = /ftail ([SE]) (\d+)/.exec(e.rest);
    if (!m) continue;
    if (m[1] === 'S') {
      start = k;
      continue;
    }
    if (start < 0) continue;
    const t0 = ev[start].t;
    const cols = new Array<number>(COLUMNS.length).fill(0);
    const others = new Map<string, number>();
    const running = new Map<number, { tid: number; comm: string; since: number }>();
    const woken = new Map<number, number>();
    let inSync = -1;
    const charge = (tid: number, comm: string, ms: number): void => {
      const c = who(tid);
      if (c >= 0) cols[c] += ms;
      if (c === 7) others.set(comm, (others.get(comm) ?? 0) + ms);
    };
    for (let j = start; j <= k; j++) {
      const x = ev[j];
      if (x.name === 'sched_switch') {
        const s = SWITCH.exec(x.rest);
        if (!s) continue;
        const prev = running.get(x.cpu) ?? { tid: Number(s[2]), comm: s[1], since: t0 };
        charge(prev.tid, prev.comm, x.t - prev.since);
        const next = Number(s[4]);
        running.set(x.cpu, { tid: next, comm: s[3], since: x.t });
        const w = woken.get(next);
        if (w !== undefined) {
          if (next === agent.main) cols[4] += x.t - w;
          if (next === client.main) cols[5] += x.t - w;
          woken.delete(next);
        }
      } else if (x.name === 'sched_wakeup') {
        const pid = /pid=(\d+)/.exec(x.rest);
        if (pid) woken.set(Number(pid[1]), x.t);
      } else if (x.tid === agent.main && (x.name === 'enter_sys_fsync' || x.name === 'enter_sys_fdatasync')) inSync = x.t;
      else if (x.tid === agent.main && (x.name === 'exit_sys_fsync' || x.name === 'exit_sys_fdatasync') && inSync >= 0) {
        cols[6] += x.t - inSync;
        inSync = -1;
      }
    }
    for (const r of running.values()) charge(r.tid, r.comm, ev[k].t - r.since);
    cols[7] = [...others.values()].reduce((a, b) => a + b, 0);
    const busiest = [...others.entries()].sort((a, b) => b[1] - a[1])[0];
    // the pair as traced, from marker to marker (the client's own measure, m[3], leaves out its writes of them)
    pairs.push({ i: Number(m[2]), ms: ev[k].t - t0, cols, busiest: busiest ? `${busiest[0]} ${busiest[1].toFixed(2)}` : '' });
    start = -1;
  }
  return pairs;
}

/**
 * The tracefs directory. `ip netns exec` gives the rerun a /sys of its own,
 * without tracefs: it is then mounted on a directory of ours (the same
 * kernel tracing, seen from this mount namespace) and unmounted at the end.
 */
function tracingDir(tmp: string): { dir: string; done: () => void } {
  if (fs.existsSync('/sys/kernel/tracing/trace_marker')) return { dir: '/sys/kernel/tracing', done: () => undefined };
  const dir = path.join(tmp, 'tracefs');
  fs.mkdirSync(dir);
  execFileSync('mount', ['-t', 'tracefs', 'tracefs', dir]);
  return { dir, done: () => execFileSync('umount', [dir]) };
}

/** Tracing set up for the pairs, and a function that puts back what was there. */
function startTracing(TRACING: string): () => void {
  const rd = (f: string): string => fs.readFileSync(path.join(TRACING, f), 'utf8').trim();
  const wr = (f: string, v: string): void => fs.writeFileSync(path.join(TRACING, f), v);
  const before = { on: rd('tracing_on'), size: rd('buffer_size_kb'), events: EVENTS.map((e) => rd(`events/${e}/enable`)) };
  wr('tracing_on', '0');
  wr('buffer_size_kb', '65536');
  wr('trace', '');
  for (const e of EVENTS) wr(`events/${e}/enable`, '1');
  wr('tracing_on', '1');
  return () => {
    wr('tracing_on', '0');
    EVENTS.forEach((e, k) => wr(`events/${e}/enable`, before.events[k]));
    wr('buffer_size_kb', before.size.replace(/\D.*$/, ''));
    wr('trace', '');
    wr('tracing_on', before.on);
  };
}

function threadsOf(pid: number): Set<number> {
  return new Set(fs.readdirSync(`/proc/${pid}/task`).map(Number));
}

async function startAgent(tmp: string): Promise<{ proc: ChildProcess; c: NetconfClient }> {
  const port = 18851;
  const proc = own(
    spawn(process.execPath, [...installedAgent(path.join(__dirname, '..'), agentNodeFlags()), '--data-dir', path.join(tmp, 'data'), '--netconf-listen', `127.0.0.1:${port}`, '--log-level', 'warn'], {
      env: { ...process.env, FLOWTAPD_BOOTSTRAP_USER: 'admin:bench-pw' },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  return { proc, c: await connectWhenUp(proc, port, { username: 'admin', password: 'bench-pw' }) };
}

async function pair(c: NetconfClient, i: number): Promise<void> {
  await c.rpcOk(`<edit-config><target><candidate/></target><config><interfaces xmlns="${NS_IF}"><interface><name>bench0</name><description>rev ${i}</description></interface></interfaces></config></edit-config>`);
  await c.rpcOk('<commit/>');
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function inner(): Promise<void> {
  idleClientJit(); // the client as bench/netconf.ts and bench/compare run it
  const tmp = ownDir(fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-tail-')));
  const { proc, c } = await startAgent(tmp);
  const iface = (n: string): string => `<interface><name>${n}</name><type xmlns:ianaift="${IANAIFT}">ianaift:ethernetCsmacd</type></interface>`;
  await c.rpcOk(`<edit-config><target><candidate/></target><config><interfaces xmlns="${NS_IF}">${Array.from({ length: ENTRIES + 1 }, (_x, k) => iface(`bench${k}`)).join('')}</interfaces></config></edit-config>`);
  await c.rpcOk('<commit/>');
  for (let i = 0; i < WARM; i++) await pair(c, i);
  const agent = { main: proc.pid!, threads: threadsOf(proc.pid!) };
  const client = { main: process.pid, threads: threadsOf(process.pid) };
  const tracefs = tracingDir(tmp);
  const TRACING = tracefs.dir;
  const marker = fs.openSync(path.join(TRACING, 'trace_marker'), 'w');
  const restore = startTracing(TRACING);
  let text: string;
  try {
    for (let i = 0; i < PAIRS; i++) {
      fs.writeSync(marker, `ftail S ${i}`);
      await pair(c, WARM + i);
      fs.writeSync(marker, `ftail E ${i}`);
    }
    fs.writeFileSync(path.join(TRACING, 'tracing_on'), '0');
    text = fs.readFileSync(path.join(TRACING, 'trace'), 'utf8');
  } finally {
    fs.closeSync(marker);
    restore();
    tracefs.done();
  }
  c.destroy();
  const lost = /entries-in-buffer\/entries-written: (\d+)\/(\d+)/.exec(text);
  const pairs = analyse(parseTrace(text), agent, client);
  const slow = pairs.filter((p) => p.ms > SLOW);
  const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(2).padStart(8)).join('');
  console.log(`${pairs.length} pairs traced (${WARM} before), ${ENTRIES + 1} interfaces; p50 ${median(pairs.map((p) => p.ms)).toFixed(2)} ms; ${slow.length} over ${SLOW} ms`);
  if (lost && lost[1] !== lost[2]) console.log(`(the trace buffer dropped events: ${lost[1]} of ${lost[2]} kept)`);
  console.log('A: the agent, C: this client; main: its main thread on a CPU, help: its other threads on a CPU, wait: its main thread runnable without a CPU;');
  console.log('fsync: the agent in fsync/fdatasync; others: other processes on a CPU. ms inside each pair.');
  console.log(`${'pair'.padEnd(7)}${'ms'.padStart(7)} |${HEADS.map((h) => h.padStart(8)).join('')}  busiest other`);
  console.log(`${'median'.padEnd(7)}${median(pairs.map((p) => p.ms)).toFixed(2).padStart(7)} |${fmt(COLUMNS.map((_h, k) => median(pairs.map((p) => p.cols[k]))))}`);
  for (const p of slow) console.log(`${String(p.i).padEnd(7)}${p.ms.toFixed(2).padStart(7)} |${fmt(p.cols)}  ${p.busiest}`);
  // what each slow pair had most of, beyond the median pair
  const med = COLUMNS.map((_h, k) => median(pairs.map((p) => p.cols[k])));
  const causes = new Map<string, number>();
  for (const p of slow) {
    const k = p.cols.map((x, j) => x - med[j]).reduce((best, x, j, xs) => (x > xs[best] ? j : best), 0);
    causes.set(COLUMNS[k], (causes.get(COLUMNS[k]) ?? 0) + 1);
  }
  console.log(`largest excess over the median pair: ${[...causes.entries()].map(([k, n]) => `${k} ${n}`).join(', ') || '-'}`);
}

if (process.env.FLOWTAPD_TAIL_INNER) runInner('bench/tail', inner);
else rerunInOwnNetns('bench/tail', __filename, 'FLOWTAPD_TAIL_INNER', 'a network namespace of its own, and the kernel tracing');
