/** `flowtapd --data-dir DIR ...`: run the agent in the foreground until SIGTERM/SIGINT. */
import { Agent } from '../daemon/agent';
import { parseDaemonArgs, UsageError } from '../daemon/args';
import { createLogger } from '../log';
import { USAGE } from './usage';

export async function daemonMain(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseDaemonArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`flowtapd: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const log = createLogger(args.logLevel);
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
