/**
 * The bench client's own V8 worker threads (JIT compiler, GC helpers) at
 * SCHED_IDLE, as the agent does with its own (src/daemon/threads.ts): on a
 * machine with two CPUs the client's TurboFan jobs otherwise take a CPU
 * from the peer it measures, whichever peer that is (bench/compare drives
 * netconfd and flowtapd with this same client). The clients operators use
 * (ncclient, Ansible, yangcli) have no such threads.
 */
import { idleBackgroundThreads } from '../src/daemon/threads';

export function idleClientJit(): void {
  const why = idleBackgroundThreads();
  if (why) console.error(`bench: the client's V8 threads stay at normal priority (${why})`);
}

/** node flags for the bench client when a benchmark reruns itself (a network namespace): BENCH_CLIENT_NODE_FLAGS */
export function clientNodeFlags(): string[] {
  return (process.env.BENCH_CLIENT_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
}
