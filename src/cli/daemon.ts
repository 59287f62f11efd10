/** `flowtapd --data-dir DIR ...`: run the agent in the foreground until SIGTERM/SIGINT. */
import * as fs from 'fs';
import * as v8 from 'v8';
import * as path from 'path';
import { Agent } from '../daemon/agent';
import { parseDaemonArgs, UsageError, type DaemonArgs } from '../daemon/args';
import { createLogger, type Logger } from '../log';
import { TransportStartError } from '../netconf/transport';
import { RadiusBindError } from '../radius';
import { AGENT_SYNOPSIS, usageError } from './usage';
import { idleBackgroundThreads } from '../daemon/threads';

export async function daemonMain(argv: string[]): Promise<number> {
  noPretenuring();
  let args;
  try {
    args = parseDaemonArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(usageError('flowtapd', e.message, AGENT_SYNOPSIS));
      return 2;
    }
    throw e;
  }
  const log = createLogger(args.logLevel);
  crashesAsLogLines(log);
  const notIdle = idleBackgroundThreads();
  if (notIdle) log.warn('background-threads-not-idle', { error: notIdle });
  const agent = new Agent({ dataDir: args.dataDir, listen: args.listen, log, bootstrap: process.env.FLOWTAPD_BOOTSTRAP_USER });
  // The handlers are in place before the start: a signal while it runs (its log lines are
  // out, a supervisor may already act on them) stops the agent once it is up, instead of
  // killing it half-started.
  let signalled: string | undefined;
  const parent = ppid();
  let stop = (sig: string): void => void (signalled ??= sig);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // the terminal of a foreground agent closed: stop as cleanly as for SIGTERM (sessions
  // closed, state saved) rather than die at once
  process.on('SIGHUP', () => stop('SIGHUP'));
  try {
    await agent.start();
  } catch (e) {
    // one line, in the log's own format: `journalctl -o cat | jq` reads it like the others
    log.error('start-failed', { error: startFailure(e, args) });
    await agent.stop().catch(() => undefined);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log.info('stopping', { signal: sig });
      agent.stop().then(
        () => {
          // the journal shows the stop completed (sessions closed, state saved), not only begun
          log.info('stopped', { signal: sig });
          resolve(0);
        },
        (e) => {
          log.error('stop-failed', { error: oneLine(e) });
          resolve(1);
        },
      );
    };
    if (signalled) stop(signalled);
    else watchNpmParent(parent, () => stop('parent-exited'));
  });
}

/**
 * Under `npx flowtapd` or `npm start` the agent is the child of a shell
 * that npm started: a SIGTERM to npm ends npm and that shell, and the
 * agent, orphaned, went on holding its ports. When npm started it, the
 * agent stops once its parent has gone (it is then adopted by init or a
 * subreaper: its parent process id changes). Run directly (systemd, a
 * shell's `&`, nohup) it stays independent of its parent.
 */
function watchNpmParent(parent: number, stop: () => void): void {
  if (!process.env.npm_command && !process.env.npm_lifecycle_event) return;
  if (ppid() !== parent) return stop(); // gone during the start
  const timer = setInterval(() => {
    if (ppid() !== parent) {
      clearInterval(timer);
      stop();
    }
  }, 500);
  timer.unref();
}

/** the parent's process id, read from /proc (Node's process.ppid is the one at start) */
function ppid(): number {
  return Number(fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
}

/**
 * Why a start failed, in one line that says what to change: the option or
 * the configuration leaf (and its file) behind a port that cannot be had.
 */
function startFailure(e: unknown, args: DaemonArgs): string {
  const why = (code: string | undefined): string => (code && ERRNO_HINTS[code] ? ` (${ERRNO_HINTS[code]})` : '');
  if (e instanceof TransportStartError && e.code) return `--netconf-listen: ${oneLine(e)}${why(e.code)}`;
  if (e instanceof RadiusBindError && e.path) {
    const leaf = e.path.replace(/[a-z]+:/g, '');
    return `${oneLine(e)}${why(e.code)}; the port is ${leaf} in ${path.join(args.dataDir, 'running.xml')}`;
  }
  return oneLine(e);
}

const ERRNO_HINTS: Record<string, string> = {
  EADDRINUSE: 'another process uses that port',
  EACCES: 'a port below 1024 needs CAP_NET_BIND_SERVICE: run as root, or under tools/flowtapd.service',
  EADDRNOTAVAIL: 'no interface of this host has that address',
};

/**
 * An exception nobody caught (a bug) ends the agent as Node would, exit 1,
 * but as one log line (its stack in a field) instead of a multi-line trace
 * that stops `jq` reading the journal.
 */
export function crashesAsLogLines(log: Logger): void {
  process.on('uncaughtException', (e) => {
    log.error('crashed', { error: oneLine(e), stack: e instanceof Error ? e.stack : undefined });
    process.exit(1);
  });
}

function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0];
}

/**
 * Keep V8 from pretenuring allocation sites. Measured in bench/netconf.ts
 * (500 edit-config+commit pairs): without this, about one run in three fell
 * into a mode where nearly everything a scavenge found was promoted
 * (promotion rate 98.7% against 12% otherwise), with 10-15 ms scavenges
 * every 30 commits and twice the heap; with it, none of 9 runs did. The
 * likely cause: each edit-config clones the configuration tree and the
 * clone lives on as candidate and running, so V8 starts allocating the
 * tree's nodes in the old generation while their arrays, maps and strings
 * stay young, and those then all survive. The flag is read when the
 * collector runs, so setting it before the agent allocates is enough.
 */
function noPretenuring(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
