/**
 * Runs the whole agent inside the current network namespace (started under
 * `ip netns exec`), in one of two ways:
 *
 *   agent-host.ts --cli --data-dir DIR --netconf-listen HOST:PORT
 *       the real command line (src/cli/main.ts), logs on stderr;
 *   agent-host.ts --data-dir DIR --netconf-listen HOST:PORT
 *       the same Agent, plus a JSON control channel on stdin/stdout for what
 *       the model does not show over NETCONF (RADIUS drop counters):
 *         {"op":"radius-counters"} -> {"ok":true,"counters":{...}}
 *         {"op":"relay-stats"}     -> {"ok":true,"stats":{...}}
 *         {"op":"exit"}            -> stops the agent, exits 0
 *       prints {"ready":true,"port":N} once NETCONF listens.
 *
 * FLOWTAPD_BOOTSTRAP_USER is honoured in both modes.
 */
import * as readline from 'readline';
import { Agent } from '../../src/daemon/agent';
import { createLogger } from '../../src/log';
import { main } from '../../src/cli/main';

async function hosted(argv: string[]): Promise<void> {
  const arg = (n: string): string | undefined => {
    const i = argv.indexOf(n);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const [host, port] = (arg('--netconf-listen') ?? '127.0.0.1:830').split(':');
  const agent = new Agent({
    dataDir: arg('--data-dir')!,
    listen: { host, port: Number(port) },
    log: createLogger('info'),
    bootstrap: process.env.FLOWTAPD_BOOTSTRAP_USER,
  });
  const out = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n');
  const bound = await agent.start();
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    let cmd: { op?: string };
    try {
      cmd = JSON.parse(line) as { op?: string };
    } catch {
      out({ ok: false, error: 'bad JSON' });
      return;
    }
    if (cmd.op === 'radius-counters') out({ ok: true, counters: agent.radius?.counters() });
    else if (cmd.op === 'relay-stats') out({ ok: true, stats: (agent.mirror as unknown as { deps: { dataplane: { relayStats(): unknown } } } | undefined)?.deps.dataplane.relayStats() });
    else if (cmd.op === 'exit') void agent.stop().then(() => process.exit(0));
    else out({ ok: false, error: `unknown op ${cmd.op}` });
  });
  const stop = (): void => void agent.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  out({ ready: true, port: bound.port });
}

const argv = process.argv.slice(2);
if (argv[0] === '--cli') {
  main(argv.slice(1)).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`flowtapd: ${e.message}\n`);
      process.exit(1);
    },
  );
} else {
  hosted(argv).catch((e: Error) => {
    process.stderr.write(`agent-host: ${e.message}\n`);
    process.exit(1);
  });
}
