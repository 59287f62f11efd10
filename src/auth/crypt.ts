/**
 * crypt(3) password hashes as used by ietf-system's crypt-hash type:
 * `$1$` MD5-crypt, `$5$` SHA-256-crypt and `$6$` SHA-512-crypt (Ulrich
 * Drepper's "Unix crypt using SHA-256 and SHA-512", with `rounds=`), and the
 * `$0$` cleartext form that ietf-system accepts on write.
 */
import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { AgentError } from '../errors';

export type CryptScheme = '$1$' | '$5$' | '$6$';

const B64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;
/** SHA-crypt's work grows with the square of the password length: refuse absurd ones. */
export const MAX_PASSWORD_BYTES = 4096;

/** A hash string that is not one of the supported crypt formats. */
export class CryptFormatError extends AgentError {
  constructor(message: string) {
    super('invalid-value', message);
    this.name = 'CryptFormatError';
  }
}

function b64From24(out: string[], b2: number, b1: number, b0: number, n: number): void {
  let w = (b2 << 16) | (b1 << 8) | b0;
  for (let i = 0; i < n; i++) {
    out.push(B64[w & 0x3f]);
    w >>>= 6;
  }
}

/** Repeat the first `len` bytes of digest `d` cyclically to `len` bytes. */
function stretch(d: Buffer, len: number): Buffer {
  const out = Buffer.allocUnsafe(len);
  for (let off = 0; off < len; off += d.length) d.copy(out, off, 0, Math.min(d.length, len - off));
  return out;
}

const SHA256_ORDER: [number, number, number][] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14],
  [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
];
const SHA512_ORDER: [number, number, number][] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4],
  [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51],
  [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35],
  [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19],
  [62, 20, 41],
];

/** SHA-crypt core; returns the encoded hash part (after the salt). */
function shaCrypt(algo: 'sha256' | 'sha512', key: Buffer, salt: Buffer, rounds: number): string {
  const H = () => createHash(algo);
  const hlen = algo === 'sha256' ? 32 : 64;
  const klen = key.length;

  // B = H(key salt key)
  const B = H().update(key).update(salt).update(key).digest();
  // A = H(key salt B-stretched, then bits of klen)
  const a = H().update(key).update(salt);
  let n = klen;
  for (; n > hlen; n -= hlen) a.update(B);
  a.update(B.subarray(0, n));
  for (let cnt = klen; cnt > 0; cnt >>>= 1) a.update(cnt & 1 ? B : key);
  const A = a.digest();

  // P = stretched H(key repeated klen times)
  const dp = H();
  for (let i = 0; i < klen; i++) dp.update(key);
  const P = stretch(dp.digest(), klen);
  // S = stretched H(salt repeated 16 + A[0] times)
  const ds = H();
  for (let i = 0; i < 16 + A[0]; i++) ds.update(salt);
  const S = stretch(ds.digest(), salt.length);

  let C = A;
  for (let i = 0; i < rounds; i++) {
    const c = H();
    if (i & 1) c.update(P);
    else c.update(C);
    if (i % 3 !== 0) c.update(S);
    if (i % 7 !== 0) c.update(P);
    if (i & 1) c.update(C);
    else c.update(P);
    C = c.digest();
  }

  const out: string[] = [];
  if (algo === 'sha256') {
    for (const [x, y, z] of SHA256_ORDER) b64From24(out, C[x], C[y], C[z], 4);
    b64From24(out, 0, C[31], C[30], 3);
  } else {
    for (const [x, y, z] of SHA512_ORDER) b64From24(out, C[x], C[y], C[z], 4);
    b64From24(out, 0, 0, C[63], 2);
  }
  return out.join('');
}

/** MD5-crypt core (Poul-Henning Kamp's $1$); returns the encoded hash part. */
function md5Crypt(key: Buffer, salt: Buffer): string {
  const H = () => createHash('md5');
  const magic = Buffer.from('$1$');
  let fin = H().update(key).update(salt).update(key).digest();
  const ctx = H().update(key).update(magic).update(salt);
  for (let pl = key.length; pl > 0; pl -= 16) ctx.update(fin.subarray(0, Math.min(pl, 16)));
  const zero = Buffer.alloc(1);
  for (let i = key.length; i; i >>>= 1) ctx.update(i & 1 ? zero : key.subarray(0, 1));
  fin = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c = H();
    if (i & 1) c.update(key);
    else c.update(fin);
    if (i % 3) c.update(salt);
    if (i % 7) c.update(key);
    if (i & 1) c.update(fin);
    else c.update(key);
    fin = c.digest();
  }
  const out: string[] = [];
  for (const [x, y, z] of [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]]) {
    b64From24(out, fin[x], fin[y], fin[z], 4);
  }
  b64From24(out, 0, 0, fin[11], 2);
  return out.join('');
}

interface Parsed {
  scheme: CryptScheme;
  /** rounds (SHA-crypt only) and whether `rounds=` was written */
  rounds: number;
  roundsCustom: boolean;
  salt: string;
}

/**
 * Parse the settings part of a crypt string (`$6$salt`, `$6$rounds=N$salt`,
 * with or without the trailing hash). Follows glibc: the salt is cut at 16
 * (SHA) or 8 (MD5) characters or at the next '$'; rounds are clamped to
 * 1000..999999999.
 */
function parseSetting(setting: string): Parsed {
  const m = /^\$([156])\$/.exec(setting);
  if (!m) throw new CryptFormatError('unsupported crypt hash: expected $1$, $5$ or $6$');
  const scheme = `$${m[1]}$` as CryptScheme;
  let rest = setting.slice(3);
  let rounds = ROUNDS_DEFAULT;
  let roundsCustom = false;
  if (scheme !== '$1$') {
    const r = /^rounds=(\d{1,10})\$/.exec(rest);
    if (r) {
      rounds = Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(r[1])));
      roundsCustom = true;
      rest = rest.slice(r[0].length);
    }
  }
  const end = rest.indexOf('$');
  let salt = end === -1 ? rest : rest.slice(0, end);
  salt = salt.slice(0, scheme === '$1$' ? 8 : 16);
  return { scheme, rounds, roundsCustom, salt };
}

/**
 * crypt(3): hash `password` with the scheme, salt and rounds of `setting`
 * (a full crypt string works too). Same output as glibc's crypt().
 */
export function crypt(password: string, setting: string): string {
  const p = parseSetting(setting);
  const key = Buffer.from(password, 'utf8');
  if (key.length > MAX_PASSWORD_BYTES) throw new CryptFormatError(`password longer than ${MAX_PASSWORD_BYTES} bytes`);
  const salt = Buffer.from(p.salt, 'utf8');
  if (p.scheme === '$1$') return `$1$${p.salt}$${md5Crypt(key, salt)}`;
  const algo = p.scheme === '$5$' ? 'sha256' : 'sha512';
  const prefix = p.roundsCustom ? `${p.scheme}rounds=${p.rounds}$` : p.scheme;
  return `${prefix}${p.salt}$${shaCrypt(algo, key, salt, p.rounds)}`;
}

/** A new salted hash of `password` (16 random salt characters for SHA, 8 for MD5). */
export function hashPassword(password: string, scheme: CryptScheme = '$6$', rounds?: number): string {
  const n = scheme === '$1$' ? 8 : 16;
  const rnd = randomBytes(n);
  let salt = '';
  for (let i = 0; i < n; i++) salt += B64[rnd[i] & 0x3f];
  const r = rounds !== undefined && scheme !== '$1$' ? `rounds=${rounds}$` : '';
  return crypt(password, `${scheme}${r}${salt}`);
}

/** Whether `hash` is a crypt string this module can verify. */
export function isSupportedHash(hash: string): boolean {
  return /^\$(1\$[^$]{0,8}|[56]\$(rounds=\d{1,10}\$)?[^$]{0,16})\$[./0-9A-Za-z]+$/.test(hash);
}

/**
 * Check `password` against a stored crypt hash, in constant time with
 * respect to the hash's content. Unsupported or locked hashes ('!', '*',
 * empty) never match.
 */
export function verifyPassword(password: string, hash: string): boolean {
  if (!isSupportedHash(hash)) return false;
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return false;
  let computed: string;
  try {
    computed = crypt(password, hash);
  } catch {
    return false;
  }
  const a = Buffer.from(computed, 'utf8');
  const b = Buffer.from(hash, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * The value to store for an ietf-system `password` leaf: `$0$cleartext` is
 * hashed with SHA-512-crypt, supported hashes are kept as given, anything
 * else is a CryptFormatError.
 */
export function normalizeCryptHash(value: string): string {
  if (value.startsWith('$0$')) return hashPassword(value.slice(3), '$6$');
  if (isSupportedHash(value)) return value;
  throw new CryptFormatError('password must be a crypt hash ($1$, $5$, $6$) or $0$ followed by cleartext');
}
