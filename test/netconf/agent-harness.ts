/** The agent in process on 127.0.0.1 with a real SSH server, driven by src/netconf/client.ts. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent, type AgentOptions } from '../../src/daemon/agent';
import { silentLogger } from '../../src/log';
import { NetconfClient, parseRpcErrors, type RpcErrorInfo } from '../../src/netconf/client';

export const NC = 'urn:ietf:params:xml:ns:netconf:base:1.0';
export const COS = 'urn:flowtapd:yang:class-of-service';
export const FTS = 'urn:flowtapd:yang:services';
export const ACC = 'urn:flowtapd:yang:access';
export const IF = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
export const NACM = 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm';
export const SYS = 'urn:ietf:params:xml:ns:yang:ietf-system';
export const MON = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';
export const WD = 'urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults';
export const NOTIF = 'urn:ietf:params:xml:ns:netconf:notification:1.0';
export const FTSYS = 'urn:flowtapd:yang:system';

export interface Harness {
  agent: Agent;
  port: number;
  dir: string;
  /** a new admin session (closed by stop()) */
  connect(user?: string, password?: string): Promise<NetconfClient>;
  /** close every client, stop the agent; `keep` leaves the data directory */
  stop(keep?: boolean): Promise<void>;
  /** stop and start again on the same data directory (clients are closed) */
  restart(): Promise<void>;
}

/** An agent on `dir` as the harness runs it (loopback, any free ports, no log), not started. */
export function newAgent(dir: string, opts: Partial<AgentOptions> = {}): Agent {
  return new Agent({ dataDir: dir, listen: { host: '127.0.0.1', port: 0 }, log: silentLogger, radiusPorts: { coaPort: 0, acctPort: 0 }, ...opts });
}

/** `text` as a regular expression matching it literally */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A start on `dir` that must fail: its error message matches `why`; the agent is stopped again. */
export async function assertStartRefused(dir: string, why: RegExp): Promise<void> {
  const a = newAgent(dir);
  await assert.rejects(a.start(), (e: Error) => {
    assert.match(e.message, why);
    return true;
  });
  await a.stop().catch(() => undefined);
}

export async function startAgent(opts: { dir?: string } = {}): Promise<Harness> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-ops-'));
  const clients: NetconfClient[] = [];
  const make = () => newAgent(dir, { bootstrap: 'admin:pw' });
  const h: Harness = {
    agent: make(),
    port: 0,
    dir,
    async connect(user = 'admin', password = 'pw') {
      const c = await NetconfClient.connect({ port: h.port, username: user, password });
      clients.push(c);
      return c;
    },
    async stop(keep = false) {
      for (const c of clients.splice(0)) c.destroy();
      await h.agent.stop();
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      for (const c of clients.splice(0)) c.destroy();
      await h.agent.stop();
      h.agent = make();
      h.port = (await h.agent.start()).port;
    },
  };
  h.port = (await h.agent.start()).port;
  return h;
}

/** assert the reply is <ok/> */
export function assertOk(reply: string): void {
  assert.match(reply, /<ok\/>/, `expected <ok/>, got ${reply.slice(0, 2000)}`);
}

/** the rpc-errors of a reply (asserting there is at least one) */
export function errorsOf(reply: string): RpcErrorInfo[] {
  const e = parseRpcErrors(reply);
  assert.ok(e.length > 0, `expected rpc-error, got ${reply.slice(0, 2000)}`);
  return e;
}

/** the single rpc-error of a reply */
export function errorOf(reply: string): RpcErrorInfo {
  const e = errorsOf(reply);
  assert.equal(e.length, 1, `expected one rpc-error, got ${reply.slice(0, 2000)}`);
  return e[0];
}

/**
 * An unknown parameter of an operation (RFC 6241 App. A): the single
 * rpc-error is unknown-element, error-type protocol, naming the element.
 */
export function unknownParam(reply: string, element: string): void {
  const e = errorOf(reply);
  assert.deepEqual([e.type, e.tag, e.info['bad-element']], ['protocol', 'unknown-element', element]);
}

/** contents of <data> in a get/get-config reply */
export function dataOf(reply: string): string {
  assert.doesNotMatch(reply, /<rpc-error>/, reply.slice(0, 2000));
  const m = /<data(?:\s[^>]*)?>([\s\S]*)<\/data>/.exec(reply);
  if (m) return m[1];
  assert.match(reply, /<data(\s[^>]*)?\/>/, `no <data> in ${reply.slice(0, 2000)}`);
  return '';
}

export const getConfig = (src: string, filter = '', extra = '') =>
  `<get-config><source><${src}/></source>${filter ? `<filter type="subtree">${filter}</filter>` : ''}${extra}</get-config>`;

export const editConfig = (target: string, config: string, extra = '') =>
  `<edit-config><target><${target}/></target>${extra}<config>${config}</config></edit-config>`;

export const cos = (classes: string, attrs = '') =>
  `<class-of-service xmlns="${COS}"${attrs}><forwarding-classes>${classes}</forwarding-classes></class-of-service>`;

export const klass = (name: string, queue?: number, dscp?: number, attrs = '') =>
  `<class${attrs}><name>${name}</name>${queue !== undefined ? `<queue-num>${queue}</queue-num>` : ''}${dscp !== undefined ? `<dscp>${dscp}</dscp>` : ''}</class>`;

/** names of the forwarding classes in a datastore, in document order */
export async function classNames(c: NetconfClient, src = 'running'): Promise<string[]> {
  const d = dataOf(await c.rpc(getConfig(src, `<class-of-service xmlns="${COS}"/>`)));
  return [...d.matchAll(/<class><name>([^<]*)<\/name>/g)].map((m) => m[1]);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean | Promise<boolean>, ms = 10000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await sleep(25);
  }
}
