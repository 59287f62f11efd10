/**
 * BENCH_AGENT_NODE_FLAGS and BENCH_AGENT_STDOUT, for the benchmarks that
 * start flowtapd's agent (bench/netconf.ts, bench/compare): Node flags to
 * add to its command line, to study it ("--cpu-prof --cpu-prof-dir=DIR",
 * "--trace-gc-nvp", "--perf-basic-prof"), and a file for its standard
 * output (where V8's --trace-gc writes), which is otherwise dropped.
 */
import * as fs from 'fs';

export function agentNodeFlags(): string[] {
  return (process.env.BENCH_AGENT_NODE_FLAGS ?? '').split(' ').filter(Boolean);
}

/** the agent's stdout: BENCH_AGENT_STDOUT opened for writing, or dropped */
export function agentStdout(): 'ignore' | number {
  const f = process.env.BENCH_AGENT_STDOUT;
  return f ? fs.openSync(f, 'w') : 'ignore';
}
