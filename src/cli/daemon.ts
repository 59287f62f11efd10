import { USAGE } from './usage';
export async function daemonMain(_argv: string[]): Promise<number> {
  process.stderr.write('flowtapd: agent not built yet\n' + USAGE);
  return 2;
}
