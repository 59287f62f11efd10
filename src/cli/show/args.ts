/** Command line of `flowtapd show`. */
import * as fs from 'fs';

export const VIEWS = ['sessions', 'tunnels', 'subscribers', 'radius'] as const;
export type View = (typeof VIEWS)[number];

export interface ShowOptions {
  view: View;
  json: boolean;
  host: string;
  port: number;
  user: string;
  password?: string;
  privateKey?: Buffer;
  timeoutMs: number;
}

export class ShowUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShowUsageError';
  }
}

export const SHOW_SYNOPSIS = `Usage: flowtapd show sessions|tunnels|subscribers|radius [--json]
                     [--host HOST] [--port PORT] [--user USER]
                     [--password PASSWORD | --key FILE] [--timeout SECONDS]
`;

export const SHOW_USAGE = `${SHOW_SYNOPSIS}  Reads the agent's operational state over NETCONF and prints a table.
  sessions     mirror sessions: subscriber, addresses, tunnel, state, counters
  tunnels      tunnel pool members: enabled, link state, sessions carried
  subscribers  subscribers learned from RADIUS accounting
  radius       RADIUS counters per client, drops of unknown clients
  --json       one JSON document instead of a table (for scripts)
  --host, --port  the agent's NETCONF listener (default 127.0.0.1:830)
  --user, --password  default from FLOWTAPD_USER (else admin) / FLOWTAPD_PASSWORD
  --timeout SECONDS  for the login and for the reply (default 10)
  --key FILE   log in with this SSH private key instead of a password
Exit 0: shown; 1: the agent could not be reached or refused; 2: usage.
`;

/** Parse `show` arguments (after the word "show"). Throws ShowUsageError. */
export function parseShowArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ShowOptions | 'help' {
  let view: View | undefined;
  const o: Omit<ShowOptions, 'view'> = {
    json: false,
    host: '127.0.0.1',
    port: 830,
    user: env.FLOWTAPD_USER || 'admin',
    password: env.FLOWTAPD_PASSWORD || undefined,
    timeoutMs: 10000,
  };
  let keyFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new ShowUsageError(`option ${a} needs a value`);
      return v;
    };
    switch (a) {
      case '-h':
      case '--help':
        return 'help';
      case '--json':
        if (inline !== undefined) throw new ShowUsageError('--json takes no value');
        o.json = true;
        break;
      case '--host':
        // an IPv6 address as --netconf-listen takes it ([::1]) or bare (::1)
        o.host = value().replace(/^\[(.*)\]$/, '$1');
        break;
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw new ShowUsageError(`--port must be 1..65535, not "${v}"`);
        o.port = n;
        break;
      }
      case '--user':
        o.user = value();
        break;
      case '--password':
        o.password = value();
        break;
      case '--key':
        keyFile = value();
        break;
      case '--timeout': {
        const v = value();
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new ShowUsageError(`--timeout must be a number of seconds (0 < n <= 3600), not "${v}"`);
        o.timeoutMs = Math.round(n * 1000);
        break;
      }
      default:
        if (a.startsWith('-')) throw new ShowUsageError(`unknown option ${a}`);
        if (view !== undefined) throw new ShowUsageError(`one view only, not "${view}" and "${a}"`);
        if (!(VIEWS as readonly string[]).includes(a)) throw new ShowUsageError(`unknown view "${a}" (one of ${VIEWS.join(', ')})`);
        view = a as View;
    }
  }
  if (view === undefined) throw new ShowUsageError(`which view? (one of ${VIEWS.join(', ')})`);
  let privateKey: Buffer | undefined;
  if (keyFile !== undefined) {
    try {
      privateKey = fs.readFileSync(keyFile);
    } catch (e) {
      throw new ShowUsageError(`--key ${keyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (o.password === undefined && privateKey === undefined) {
    throw new ShowUsageError('no credentials: give --password or --key, or set FLOWTAPD_PASSWORD');
  }
  return { view, ...o, privateKey };
}
