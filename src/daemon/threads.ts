/**
 * V8's worker threads (JIT compiler, garbage-collector helpers) at
 * SCHED_IDLE (native/background_threads.cc), so that the main thread and
 * the libuv thread waiting for a commit's fsync seldom queue behind a
 * compile job: such a job (TurboFan, 5-100 ms a function here) kept a
 * woken thread off the CPU for up to a scheduler tick (4 ms). The kernel's
 * EEVDF scheduler can still let an idle thread finish its slice first, so
 * it is less, not nothing. bench/netconf.ts on the 2-vCPU machine, p99 of
 * 500 edit-config+commit pairs in runs of the same hour: 8.1-10.5 ms
 * before, 5.1-7.3 ms after (nice 19 instead: 7.8-9.5 ms).
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
