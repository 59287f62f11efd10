/** Launcher for bench/netconf.ts: the CLI (src/cli/main.ts) run from source. */
import { main } from '../src/cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`flowtapd: ${err.message}\n`);
    process.exit(1);
  },
);
