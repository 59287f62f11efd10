import { USAGE } from './usage';
export async function lintMain(_argv: string[]): Promise<number> {
  process.stderr.write('flowtapd lint: not built yet\n' + USAGE);
  return 2;
}
