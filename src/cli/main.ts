import { USAGE } from './usage';

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    process.stdout.write(`flowtapd ${require('../../package.json').version}\n`);
    return 0;
  }
  if (argv[0] === 'lint') {
    const { lintMain } = await import('./lint');
    return lintMain(argv.slice(1));
  }
  if (argv[0] === 'show') return (await import('./show')).showMain(argv.slice(1));
  const { daemonMain } = await import('./daemon');
  return daemonMain(argv);
}
