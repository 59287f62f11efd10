/**
 * SSH host keys: created on first start in the data directory (mode 0600,
 * written atomically), read back on later starts. A key file that exists but
 * does not parse stops the start with a message naming it; it is never
 * silently replaced (clients would see a changed host key).
 */
import { promises as fsp, constants as fsc } from 'fs';
import * as path from 'path';
import { utils } from './ssh2';

export class HostKeyError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'HostKeyError';
    this.file = file;
  }
}

interface KeySpec {
  file: string;
  type: 'ed25519' | 'rsa' | 'ecdsa';
  bits?: number;
}


/** Ed25519 first (preferred by modern clients), RSA 3072 for older ones. */
export const HOST_KEY_SPECS: readonly KeySpec[] = [
  { file: 'ssh_host_ed25519_key', type: 'ed25519' },
  { file: 'ssh_host_rsa_key', type: 'rsa', bits: 3072 },
];

function generateOnce(spec: KeySpec): Promise<{ private: string; public: string }> {
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, keys: { private: string; public: string }) => (err ? reject(err) : resolve(keys));
    if (spec.type === 'rsa') utils.generateKeyPair('rsa', { bits: spec.bits ?? 3072 }, cb);
    else if (spec.type === 'ecdsa') utils.generateKeyPair('ecdsa', { bits: (spec.bits ?? 256) as 256 | 384 | 521 }, cb);
    else utils.generateKeyPair('ed25519', cb);
  });
}

/** Whether ssh2 can load the key and sign with it. */
export function usableKey(privateText: string): boolean {
  const k = utils.parseKey(privateText);
  if (k instanceof Error) return false;
  const data = Buffer.from('flowtapd host key check');
  const sig = k.sign(data);
  return !(sig instanceof Error) && k.verify(data, sig) === true;
}

/**
 * ssh2's OpenSSH-format writer drops a leading zero byte of an Ed25519 key
 * (about one key in 256 comes out malformed): check each new key and make
 * another when it does not load.
 */
async function generate(spec: KeySpec): Promise<{ private: string; public: string }> {
  for (let i = 0; i < 20; i++) {
    const keys = await generateOnce(spec);
    if (usableKey(keys.private)) return keys;
  }
  throw new Error(`could not generate a usable ${spec.type} key`);
}

async function writeAtomic(file: string, data: string, mode: number): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await fsp.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC, mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
  const dh = await fsp.open(path.dirname(file), 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/**
 * The private host keys to give ssh2, creating missing ones in `dir`.
 * Returns the PEM/OpenSSH texts.
 */
export async function loadOrCreateHostKeys(dir: string, specs: readonly KeySpec[] = HOST_KEY_SPECS): Promise<string[]> {
  try {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new HostKeyError(dir, `cannot create host key directory: ${(e as Error).message}`);
  }
  const out: string[] = [];
  for (const spec of specs) {
    const file = path.join(dir, spec.file);
    let text: string | null = null;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new HostKeyError(file, `cannot read host key: ${(e as Error).message}`);
      }
    }
    if (text === null) {
      let keys: { private: string; public: string };
      try {
        keys = await generate(spec);
        await writeAtomic(file, keys.private, 0o600);
        await writeAtomic(`${file}.pub`, `${keys.public}\n`, 0o644);
      } catch (e) {
        throw new HostKeyError(file, `cannot create host key: ${(e as Error).message}`);
      }
      text = keys.private;
    } else {
      const st = await fsp.stat(file);
      if ((st.mode & 0o077) !== 0) {
        // tighten, as sshd would insist on
        await fsp.chmod(file, 0o600).catch(() => undefined);
      }
    }
    const parsed = utils.parseKey(text);
    if (parsed instanceof Error) throw new HostKeyError(file, `not a usable SSH private key: ${parsed.message}`);
    if (!usableKey(text)) throw new HostKeyError(file, 'not a usable SSH private key: cannot sign with it');
    out.push(text);
  }
  return out;
}
