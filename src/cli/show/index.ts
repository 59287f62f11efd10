/**
 * `flowtapd show sessions|tunnels|subscribers|radius [--json]`: the
 * operator's view on the box. Reads the operational state over NETCONF (one
 * <get> with a subtree filter, through src/netconf/client.ts) and prints an
 * aligned table, or JSON for scripts. What the user may not read under NACM
 * is simply absent, as in the agent's own replies.
 */
import { NetconfClient, NetconfRpcError, parseReply } from '../../netconf/client';
import { parseShowArgs, ShowOptions, ShowUsageError, SHOW_SYNOPSIS, SHOW_USAGE, View } from './args';
import { usageError } from '../usage';
import { renderTable } from './table';
import { filterFor, render, ViewResult } from './views';

export { parseShowArgs, SHOW_USAGE, ShowUsageError };
export type { ShowOptions, View };

/** Errors that end `show` with exit 1 and one line. */
export class ShowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShowError';
  }
}

/** Connect, read one view, close. Throws ShowError with one line saying what failed. */
export async function show(o: ShowOptions): Promise<ViewResult> {
  const where = `${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  let c: NetconfClient;
  try {
    c = await NetconfClient.connect({
      host: o.host,
      port: o.port,
      username: o.user,
      password: o.password,
      privateKey: o.privateKey,
      timeoutMs: o.timeoutMs,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { level?: string };
    const why =
      err.level === 'client-authentication' ? `authentication failed for user ${o.user}` : err.code ? `${err.code}` : oneLine(err.message);
    throw new ShowError(`cannot open a NETCONF session to ${where}: ${why}`);
  }
  try {
    const reply = await withTimeout(c.rpcOk(`<get><filter type="subtree">${filterFor(o.view)}</filter></get>`), o.timeoutMs, `no reply from ${where} within ${o.timeoutMs} ms`);
    return render(o.view, parseReply(reply), renderTable);
  } catch (e) {
    if (e instanceof NetconfRpcError) throw new ShowError(`${where} refused the request: ${oneLine(e.message)}`);
    if (e instanceof ShowError) throw e;
    throw new ShowError(`${where}: ${oneLine((e as Error).message)}`);
  } finally {
    await c.close().catch(() => undefined);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_r, reject) => (t = setTimeout(() => reject(new ShowError(message)), ms)))]).finally(() => clearTimeout(t));
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The `show` front: exit 0 shown, 1 failed, 2 usage. */
export async function showMain(argv: string[], out: (s: string) => void = (s) => void process.stdout.write(s), err: (s: string) => void = (s) => void process.stderr.write(s)): Promise<number> {
  let o: ShowOptions | 'help';
  try {
    o = parseShowArgs(argv);
  } catch (e) {
    if (e instanceof ShowUsageError) {
      err(usageError('flowtapd show', e.message, SHOW_SYNOPSIS));
      return 2;
    }
    throw e;
  }
  if (o === 'help') {
    out(SHOW_USAGE);
    return 0;
  }
  try {
    const r = await show(o);
    out(o.json ? JSON.stringify(r.json, null, 2) + '\n' : r.text);
    return 0;
  } catch (e) {
    err(`flowtapd show: ${e instanceof ShowError ? e.message : oneLine(String((e as Error)?.message ?? e))}\n`);
    return 1;
  }
}
