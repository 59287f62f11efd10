/**
 * BENCH_AGENT_NODE_FLAGS and BENCH_AGENT_STDOUT, for the benchmarks that
 * start flowtapd's agent (bench/netconf.ts, bench/compare): Node flags to
 * add to its command line, to study it ("--cpu-prof --cpu-prof-dir=DIR",
 * "--trace-gc-nvp", "--perf-basic-prof"), and a file for its standard
 * output (where V8's --trace-gc writes), which is otherwise dropped.
 */
import { ChildProcess, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { NetconfClient } from '../src/netconf/client';

export function agentNodeFlags(): string[] {
  return (process.env.BENCH_AGENT_NODE_FLAGS ?? '').split(' ').filter(Boolean);
}

/** the agent's stdout: BENCH_AGENT_STDOUT opened for writing, or dropped */
export function agentStdout(): 'ignore' | number {
  const f = process.env.BENCH_AGENT_STDOUT;
  return f ? fs.openSync(f, 'w') : 'ignore';
}

/**
 * The node command line (without node itself) of the agent as it is
 * installed: the launcher's node flags, then `nodeFlags` (so that a
 * benchmark's own flags win), then bin/flowtapd.js on tsc's dist/, built
 * first from the sources of the checkout `root` (about 6 s) so that a
 * benchmark never measures a stale build. Not the sources through tsx: its
 * transform (esbuild with names kept, a __name call for every function
 * made) cost 3-12% of the commit p50 in paired runs of bench/ab.ts.
 */
export function installedAgent(root: string, nodeFlags: string[] = []): string[] {
  const dir = path.resolve(root);
  if (!built.has(dir)) {
    execFileSync(process.execPath, [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(dir, 'tsconfig.json')], { cwd: dir, stdio: 'inherit' });
    built.add(dir);
  }
  const bin = path.join(dir, 'bin', 'flowtapd.js');
  return [...launcherNodeFlags(bin), ...nodeFlags, bin];
}

/** The node flags on the launcher's first line (`#!/usr/bin/env -S node FLAGS`; none on a plain `#!/usr/bin/env node`), which an installed agent runs with. */
export function launcherNodeFlags(bin: string): string[] {
  const first = fs.readFileSync(bin, 'utf8').split('\n', 1)[0];
  const m = /^#!\/usr\/bin\/env (?:-S )?node((?: --[\w-]+(?:=\S+)?)*)$/.exec(first);
  if (!m) throw new Error(`${bin}: unexpected first line ${JSON.stringify(first)}`);
  return m[1].split(' ').filter(Boolean);
}

/** checkouts built by this process (bench/ab.ts runs two agents, often of one checkout) */
const built = new Set<string>();

/**
 * A NETCONF session with the agent `proc` started on `port`, once it
 * answers (tried every 200 ms for up to `waitMs`); an error when the agent
 * exits first, with `why()` (its last log line, say) in the message.
 */
export async function connectWhenUp(
  proc: ChildProcess,
  port: number,
  auth: { username: string; password: string },
  why: () => string = () => '',
  waitMs = 30000,
): Promise<NetconfClient> {
  const end = Date.now() + waitMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the agent exited (${proc.exitCode})${why() ? `: ${why()}` : ''}`);
    try {
      return await NetconfClient.connect({ port, ...auth, timeoutMs: 5000 });
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
