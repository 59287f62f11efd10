import { strict as assert } from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Readable } from 'stream';
import { NetconfClient } from '../../src/netconf/client';
import { socketOf, tcpProxyCommand, until } from '../lab/lab';

const runner = path.join(__dirname, 'run-main.js');
const SCHED_IDLE = 5;

/** Scheduling policy of each thread of a process (/proc/PID/task/TID/stat, field 41). */
function policies(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[38]));
    } catch {
      /* the thread ended meanwhile */
    }
  }
  return out;
}

const idleThreads = (pid: number): number[] => [...policies(pid)].filter(([, p]) => p === SCHED_IDLE).map(([t]) => t);

describe('cli: V8 worker threads at SCHED_IDLE (native/background_threads.cc)', function () {
  this.timeout(60000);
  let tmp: string;
  let child: ChildProcess | undefined;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ftd-threads-'))));
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('exactly the V8 worker threads go SCHED_IDLE; the main thread and the libuv pool stay normal', async () => {
    // a network namespace of its own: the agent binds the RADIUS ports of the factory configuration
    const cmd = `ip link set lo up && exec "${process.execPath}" --v8-pool-size=3 --require tsx/cjs "${runner}" --data-dir "${tmp}" --netconf-listen 127.0.0.1:0`;
    child = spawn('unshare', ['-n', 'sh', '-c', cmd], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, FLOWTAPD_BOOTSTRAP_USER: 'ops:ops-secret' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const port = await until(
      async () => {
        if (child!.exitCode !== null) throw new Error(`agent exited ${child!.exitCode}: ${err}`);
        const m = /netconf-listening[^\n]*"port":\s*(\d+)/.exec(err);
        return m && Number(m[1]);
      },
      30000,
      'the agent to listen',
    );
    const pid = child.pid!;
    const idle = await until(async () => {
      const t = idleThreads(pid);
      return t.length >= 3 && t;
    }, 5000, '3 idle threads');
    assert.equal(idle.length, 3, 'one per V8 worker (--v8-pool-size=3), not the delayed-task thread');
    assert.equal(policies(pid).get(pid), 0, 'the main thread is SCHED_OTHER');
    // a commit (its I/O is the main thread's for a small file; the libuv pool, which the agent's
    // asynchronous file and crypto work has started by now, must stay normal all the same)
    const c = await connectInside(pid, port);
    try {
      await c.rpcOk(`<edit-config><target><candidate/></target><config><class-of-service xmlns="urn:flowtapd:yang:class-of-service"><forwarding-classes><class><name>t1</name><queue-num>1</queue-num></class></forwarding-classes></class-of-service></config></edit-config>`);
      await c.rpcOk('<commit/>');
    } finally {
      await c.close();
    }
    assert.deepEqual(idleThreads(pid).sort(), idle.sort(), 'no other thread went idle');
    assert.ok(policies(pid).size >= 1 + 3 + 4, 'main, the 3 V8 workers and at least the 4 libuv threads');
  });
});

/** A NETCONF session to the agent in the network namespace of process `pid`, through a stdio proxy started there. */
async function connectInside(pid: number, port: number): Promise<NetconfClient> {
  const proxy = spawn('nsenter', ['-t', String(pid), '-n', ...tcpProxyCommand(port)], { stdio: ['pipe', 'pipe', 'ignore'] });
  const c = await NetconfClient.connect({ port, username: 'ops', password: 'ops-secret', ssh: { sock: socketOf(proxy) as unknown as Readable } });
  const close = c.close.bind(c);
  c.close = async () => {
    await close();
    proxy.kill();
  };
  return c;
}
