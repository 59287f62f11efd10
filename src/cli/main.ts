import { AGENT_SYNOPSIS, usageError, USAGE } from './usage';

// Each front is loaded only when used (the agent's modules are not needed by `lint`).
// require() rather than import(): the same code runs compiled (dist/) and from the sources under tsx.
/* eslint-disable @typescript-eslint/no-var-requires */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--version') {
    process.stdout.write(`flowtapd ${require('../../package.json').version}\n`);
    return 0;
  }
  // `lint` and `show` answer their own --help (their options) and usage errors
  if (argv[0] === 'lint') return (require('./lint') as typeof import('./lint')).lintMain(argv.slice(1));
  if (argv[0] === 'show') return (require('./show') as typeof import('./show')).showMain(argv.slice(1));
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0 && !argv[0].startsWith('-')) {
    process.stderr.write(usageError('flowtapd', `unknown command "${argv[0]}" (the commands are lint and show; the agent itself runs with --data-dir DIR)`, AGENT_SYNOPSIS));
    return 2;
  }
  // no arguments at all: the agent's usage error (--data-dir DIR is required)
  return (require('./daemon') as typeof import('./daemon')).daemonMain(argv);
}
