/**
 * For the benchmarks that run agents (bench/compare, bench/ab.ts): run the
 * benchmark's own file again inside a new network namespace with only
 * loopback, so that an agent already running on the machine (RADIUS ports
 * 3799 and 1813, NETCONF ports) neither collides with it nor shares its
 * loopback; the namespace is removed when that run ends, whatever happens.
 * `innerEnv` is set in the rerun (its `main` checks it); the caller's
 * argument list is passed on.
 */
import { ChildProcess, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { clientNodeFlags } from './idle-jit';

export function rerunInOwnNetns(name: string, file: string, innerEnv: string, why: string): void {
  if (process.getuid?.() !== 0) {
    console.log(`${name}: needs root (${why}).`);
    process.exit(1);
  }
  const ns = `ft${name.replace(/.*\//, '').replace(/[^a-z]/g, '').slice(0, 7)}${process.pid % 100000}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', ['netns', 'exec', ns, process.execPath, ...clientNodeFlags(), '--require', 'tsx/cjs', file, ...process.argv.slice(2)], {
      cwd: path.join(__dirname, '..'),
      stdio: 'inherit',
      env: { ...process.env, [innerEnv]: '1' },
    });
  } catch (e) {
    process.exitCode = (e as { status?: number }).status || 1; // the rerun said why on its standard error
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
}

/** processes the benchmark started: killed by PID if it ends without stopping them (an error, a signal, a closed pipe) */
const children = new Set<ChildProcess>();

export function own<T extends ChildProcess>(child: T): T {
  children.add(child);
  return child;
}

/** directories the benchmark made: removed (after its processes are killed) if it ends before removing them */
const dirs = new Set<string>();

export function ownDir(dir: string): string {
  dirs.add(dir);
  return dir;
}

/** The benchmark's work in the namespace: exit 0, or 1 with its error on one line. */
export function runInner(name: string, inner: () => Promise<void>): void {
  process.on('exit', () => {
    for (const c of children) if (c.pid && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => process.exit(1));
  process.stdout.on('error', () => process.exit(1)); // a reader that went away (| head)
  inner().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`${name}: ${e.message}`);
      process.exit(1);
    },
  );
}
