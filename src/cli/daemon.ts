/** `flowtapd --data-dir DIR ...`: run the agent in the foreground until SIGTERM/SIGINT. */
import * as v8 from 'v8';
import { Agent } from '../daemon/agent';
import { parseDaemonArgs, UsageError } from '../daemon/args';
import { createLogger } from '../log';
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
  const notIdle = idleBackgroundThreads();
  if (notIdle) log.warn('background-threads-not-idle', { error: notIdle });
  const agent = new Agent({ dataDir: args.dataDir, listen: args.listen, log, bootstrap: process.env.FLOWTAPD_BOOTSTRAP_USER });
  try {
    await agent.start();
  } catch (e) {
    process.stderr.write(`flowtapd: ${oneLine(e)}\n`);
    await agent.stop().catch(() => undefined);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log.info('stopping', { signal: sig });
      agent.stop().then(
        () => resolve(0),
        (e) => {
          log.error('stop-failed', { error: oneLine(e) });
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
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
