/** Test helpers: a UDP exchange with our own codec as the client, and Debian's radclient. */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as dgram from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Sends `bytes` and collects the replies that arrive within `waitMs`. */
export function exchange(bytes: Buffer, port: number, opts: { host?: string; from?: string; waitMs?: number; times?: number } = {}): Promise<Buffer[]> {
  const host = opts.host ?? '127.0.0.1';
  const sock = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  const replies: Buffer[] = [];
  return new Promise((resolve, reject) => {
    sock.on('message', (m) => replies.push(m));
    sock.on('error', reject);
    sock.bind(0, opts.from ?? host, () => {
      for (let i = 0; i < (opts.times ?? 1); i++) sock.send(bytes, port, host);
      setTimeout(() => {
        sock.close();
        resolve(replies);
      }, opts.waitMs ?? 300);
    });
  });
}

/** Sends and resolves with the first reply, or undefined after `waitMs`. */
export function request(bytes: Buffer, port: number, opts: { host?: string; from?: string; waitMs?: number } = {}): Promise<Buffer | undefined> {
  const host = opts.host ?? '127.0.0.1';
  const sock = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.close();
      resolve(undefined);
    }, opts.waitMs ?? 300);
    sock.on('message', (m) => {
      clearTimeout(timer);
      sock.close();
      resolve(m);
    });
    sock.on('error', reject);
    sock.bind(0, opts.from ?? host, () => sock.send(bytes, port, host));
  });
}

export interface RadclientResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `radclient -x -t T -r R HOST:PORT TYPE SECRET` with the attributes on stdin. */
export function radclient(
  type: 'coa' | 'disconnect' | 'acct',
  port: number,
  secret: string,
  attrs: string[],
  opts: { timeout?: number; retries?: number; host?: string } = {},
): Promise<RadclientResult> {
  const host = opts.host ?? '127.0.0.1';
  const target = isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  const args = ['-x', '-t', String(opts.timeout ?? 2), '-r', String(opts.retries ?? 1), target, type, secret];
  return new Promise((resolve) => {
    const p = spawn('radclient', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(attrs.join('\n') + '\n');
  });
}

/** The radclient version line, printed by the interop tests. */
export function radclientVersion(): string {
  return spawnSync('radclient', ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0];
}

/**
 * RFC 2868 salt encryption of a whole plaintext P (length octet, value and
 * padding as given, a multiple of 16) with any salt: for building what our
 * own encoder refuses to (a clear high bit, non-zero padding).
 */
export function rawSaltEncrypt(p: Buffer, secret: string, vector: Buffer, salt: Buffer): Buffer {
  if (p.length % 16 !== 0 || salt.length !== 2) throw new Error('P must be a multiple of 16 octets, the salt 2');
  const c = Buffer.alloc(p.length);
  let b = createHash('md5').update(secret).update(vector).update(salt).digest();
  for (let i = 0; i < p.length; i += 16) {
    for (let j = 0; j < 16; j++) c[i + j] = p[i + j] ^ b[j];
    b = createHash('md5').update(secret).update(c.subarray(i, i + 16)).digest();
  }
  return Buffer.concat([salt, c]);
}
