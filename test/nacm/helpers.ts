/** The agent in process with users in the three Junos roles, driven over real SSH (src/netconf/client.ts). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from '../../src/daemon/agent';
import { silentLogger } from '../../src/log';
import type { DataplanePort } from '../../src/mirror/service';
import { NetconfClient, parseRpcErrors, type RpcErrorInfo } from '../../src/netconf/client';

export const FTS = 'urn:flowtapd:yang:services';
export const ACC = 'urn:flowtapd:yang:access';
export const COS = 'urn:flowtapd:yang:class-of-service';
export const NACM = 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm';
export const SYS = 'urn:ietf:params:xml:ns:yang:ietf-system';
export const MON = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';
export const WD = 'urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults';
export const NOTIF = 'urn:ietf:params:xml:ns:netconf:notification:1.0';

export interface Lab {
  agent: Agent;
  dir: string;
  port: number;
  connect(user: string, password?: string): Promise<NetconfClient>;
  stop(): Promise<void>;
}

export async function startLab(opts: { dataplane?: DataplanePort } = {}): Promise<Lab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-nacm-'));
  const agent = new Agent({
    dataDir: dir,
    listen: { host: '127.0.0.1', port: 0 },
    log: silentLogger,
    bootstrap: 'admin:pw',
    radiusPorts: { coaPort: 0, acctPort: 0 },
    dataplane: opts.dataplane,
  });
  const { port } = await agent.start();
  const clients: NetconfClient[] = [];
  return {
    agent,
    dir,
    port,
    async connect(user, password = user === 'admin' ? 'pw' : 'secret') {
      const c = await NetconfClient.connect({ port, username: user, password });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await agent.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const user = (name: string) => `<user><name>${name}</name><password>$0$secret</password></user>`;

/** users alice (no LI group), tap (flow-tap) and ctl (flow-tap-control), committed by admin */
export function usersConfig(): string {
  return (
    `<system xmlns="${SYS}"><authentication>${user('alice')}${user('tap')}${user('ctl')}</authentication></system>` +
    `<nacm xmlns="${NACM}"><groups>` +
    `<group><name>flow-tap</name><user-name>tap</user-name></group>` +
    `<group><name>flow-tap-control</name><user-name>ctl</user-name></group>` +
    `</groups></nacm>`
  );
}

export const editConfig = (target: string, config: string, extra = '') =>
  `<edit-config><target><${target}/></target>${extra}<config>${config}</config></edit-config>`;

export const getConfig = (src: string, filter = '', extra = '') =>
  `<get-config><source><${src}/></source>${filter}${extra}</get-config>`;

export const subtree = (f: string) => `<filter type="subtree">${f}</filter>`;
export const xpathF = (sel: string) => `<filter type="xpath" xmlns:fts="${FTS}" xmlns:fta="${ACC}" select="${sel}"/>`;

export function assertOk(reply: string): void {
  assert.match(reply, /<ok\/>/, `expected <ok/>, got ${reply.slice(0, 2000)}`);
}

export function errorOf(reply: string): RpcErrorInfo {
  const e = parseRpcErrors(reply);
  assert.equal(e.length, 1, `expected one rpc-error, got ${reply.slice(0, 2000)}`);
  return e[0];
}

/** the rpc-errors of a reply (at least one) */
export function errorsOf(reply: string): RpcErrorInfo[] {
  const e = parseRpcErrors(reply);
  assert.ok(e.length > 0, `expected rpc-error, got ${reply.slice(0, 2000)}`);
  return e;
}

export function dataOf(reply: string): string {
  assert.doesNotMatch(reply, /<rpc-error>/, reply.slice(0, 2000));
  const m = /<data(?:\s[^>]*)?>([\s\S]*)<\/data>/.exec(reply);
  if (m) return m[1];
  assert.match(reply, /<data(\s[^>]*)?\/>/, `no <data> in ${reply.slice(0, 2000)}`);
  return '';
}

/** a reply without its message-id (to compare replies to different requests) */
export const norm = (reply: string) => reply.replace(/ message-id="[^"]*"/, '');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
