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
      // one try per credential: keyboard-interactive after a refused password would try it
      // again, counted as a second failed login (and a longer delay) by the agent
      ssh: { tryKeyboard: false },
    });
  } catch (e) {
    throw new ShowError(`cannot open a NETCONF session to ${where}: ${connectFailure(e as NodeJS.ErrnoException & { level?: string }, o)}`);
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

/** Why the session could not be opened, in words an operator acts on (the system's code kept). */
function connectFailure(err: NodeJS.ErrnoException & { level?: string }, o: ShowOptions): string {
  if (err.level === 'client-authentication') {
    const what = [o.privateKey && 'the key (an authorized-key of that user?)', o.password !== undefined && 'the password'].filter(Boolean).join(' and ');
    return `authentication failed for user ${o.user} (check --user or FLOWTAPD_USER, and ${what})`;
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      // `npm start` listens on 8830, the agent's own default and this command's is 830
      return `ECONNREFUSED: nothing listens there (is the agent running?${o.port === 830 ? ' `npm start` listens on port 8830: --port 8830' : ''})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${err.code}: cannot resolve the host name ${o.host}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${err.code}: no route to ${o.host}`;
    case 'ETIMEDOUT':
      return `ETIMEDOUT: no answer from ${o.host}`;
  }
  if (err.level === 'client-timeout' || /no hello within/.test(err.message)) return `no SSH or NETCONF answer within ${o.timeoutMs / 1000} s (is that the agent's NETCONF port?)`;
  if (/before handshake|handshake failed|Connection lost/i.test(err.message)) return `${oneLine(err.message)} (is that an SSH server, the agent's NETCONF port?)`;
  if (/subsystem/i.test(err.message)) return `${oneLine(err.message)} (an SSH server without NETCONF: is that the agent's port?)`;
  return err.code ?? oneLine(err.message);
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
