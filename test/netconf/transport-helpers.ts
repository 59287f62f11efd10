/** A lean NETCONF-over-SSH test client on ssh2's Client (shared by the transport tests). */
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { FrameDecoder, encodeMessage, type FramingMode } from '../../src/netconf/framing';

export const BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';

export function connect(port: number, cfg: Partial<ConnectConfig> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => {
      c.setNoDelay(true);
      resolve(c);
    });
    c.on('error', reject);
    c.connect({ host: '127.0.0.1', port, username: 'alice', password: 'secret', readyTimeout: 20000, ...cfg });
  });
}

export class TestSession {
  readonly channel: ClientChannel;
  readonly decoder = new FrameDecoder({ maxMessageBytes: 256 * 1024 * 1024 });
  private msgs: string[] = [];
  private waiters: (() => void)[] = [];
  closed = false;
  mode: FramingMode = 'eom';

  constructor(channel: ClientChannel) {
    this.channel = channel;
    channel.on('data', (d: Buffer) => {
      this.decoder.push(d);
      for (let m = this.decoder.next(); m !== null; m = this.decoder.next()) this.msgs.push(m);
      this.wake();
    });
    channel.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Next message, or null if the channel closed first. */
  async next(timeoutMs = 10000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.msgs.length === 0) {
      if (this.closed) return null;
      if (Date.now() > deadline) throw new Error('timeout waiting for a message');
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.msgs.shift()!;
  }

  async waitClosed(timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('timeout waiting for close');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  send(xml: string): void {
    for (const p of encodeMessage(xml, this.mode)) this.channel.write(p);
  }

  raw(bytes: string | Buffer): void {
    this.channel.write(bytes);
  }

  /** Read the server hello and send ours; switch framing like the server will. */
  async hello(base: '1.0' | '1.1' = '1.1'): Promise<{ serverHello: string; sessionId: number }> {
    const serverHello = (await this.next())!;
    const caps = ['urn:ietf:params:netconf:base:1.0', ...(base === '1.1' ? ['urn:ietf:params:netconf:base:1.1'] : [])];
    this.send(
      `<hello xmlns="${BASE_NS}"><capabilities>${caps.map((c) => `<capability>${c}</capability>`).join('')}</capabilities></hello>`,
    );
    if (base === '1.1' && serverHello.includes('urn:ietf:params:netconf:base:1.1')) {
      this.mode = 'chunked';
      this.decoder.setMode('chunked');
    }
    const m = /<session-id>(\d+)<\/session-id>/.exec(serverHello);
    return { serverHello, sessionId: m ? Number(m[1]) : NaN };
  }
}

export function openSubsystem(c: Client, name = 'netconf'): Promise<TestSession> {
  return new Promise((resolve, reject) => {
    c.subsys(name, (err, ch) => (err ? reject(err) : resolve(new TestSession(ch))));
  });
}

export async function openNetconf(port: number, base: '1.0' | '1.1' = '1.1', cfg: Partial<ConnectConfig> = {}) {
  const client = await connect(port, cfg);
  client.on('error', () => undefined);
  const s = await openSubsystem(client);
  const h = await s.hello(base);
  return { client, s, ...h };
}

export const rpc = (id: number | string, body = '<get/>') => `<rpc xmlns="${BASE_NS}" message-id="${id}">${body}</rpc>`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
