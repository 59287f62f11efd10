/** The agent's command line (DESIGN.md section 3). */
import { isLevel, Level } from '../log';

export interface DaemonArgs {
  dataDir: string;
  listen: { host: string; port: number };
  logLevel: Level;
}

export class UsageError extends Error {}

export function parseDaemonArgs(argv: string[]): DaemonArgs {
  let dataDir: string | undefined;
  let listen = { host: '0.0.0.0', port: 830 };
  let logLevel: Level = 'info';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--data-dir':
        dataDir = value();
        break;
      case '--netconf-listen': {
        const v = value();
        const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(v);
        if (!m || Number(m[3]) > 65535) throw new UsageError(`--netconf-listen: "${v}" is not HOST:PORT`);
        listen = { host: m[1] ?? m[2], port: Number(m[3]) };
        break;
      }
      case '--log-level': {
        const v = value();
        if (!isLevel(v)) throw new UsageError(`--log-level: "${v}" is not error, warn, info or debug`);
        logLevel = v;
        break;
      }
      default:
        throw new UsageError(`unknown argument "${a}"`);
    }
  }
  if (!dataDir) throw new UsageError('--data-dir DIR is required');
  return { dataDir, listen, logLevel };
}
