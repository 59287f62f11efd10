/**
 * V8's worker threads (JIT compiler, garbage-collector helpers) at
 * SCHED_IDLE (native/background_threads.cc), so that the main thread and
 * the libuv threads, woken for a commit's socket data or disk I/O, seldom
 * queue behind a compile job: such a job (TurboFan, 5-100 ms a function here) kept a
 * woken thread off the CPU for up to a scheduler tick (4 ms). It is less,
 * not nothing: with lazy preemption (kernel 6.18 here) the woken thread is
 * marked to run but the idle thread's CPU gets no interrupt, so it runs on
 * until the next one, at worst the tick. bench/netconf.ts on the 2-vCPU
 * machine, p99 of 500 edit-config+commit pairs in runs of the same hour:
 * 8.1-10.5 ms before, 5.1-7.3 ms after; pairs over 4.6 ms (first 500 /
 * next 500), interleaved runs: SCHED_IDLE 15-19 / 4-8, SCHED_BATCH nice 19
 * 30-39 / 10-13, unchanged 31-37 / 13-19.
 *
 * Returns why it could not be done (the addon is not built), else
 * undefined; the process then runs as before.
 */
import { native } from '../dataplane/native';

export function idleBackgroundThreads(): string | undefined {
  try {
    native().idleBackgroundThreads();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
