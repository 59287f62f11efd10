/**
 * RFC 2868 section 3.5 salt encryption (FreeRADIUS `encrypt=2`), as used by
 * Juniper's mirroring VSAs (vendor 4874, 58 to 61):
 *
 *   value = salt(2, high bit set) | C,   P = len(plain) | plain | zero padding
 *   b1 = MD5(secret + R + salt), c1 = p1 xor b1, bi = MD5(secret + c(i-1))
 *
 * R is the Request Authenticator of the packet the attribute is in (or is
 * answered by). For CoA-Request and Disconnect-Request, FreeRADIUS radclient
 * 3.2 encrypts with R = 16 zero octets (its authenticator is not known yet
 * when it encodes attributes); in an Access-Accept, R is the Access-Request's
 * authenticator.
 */
import { createHash, randomBytes } from 'node:crypto';
import { RadiusDecodeError, RadiusEncodeError } from './errors';
import type { Secret } from './auth';

/** 16 zero octets: R for salt-encrypted attributes in CoA and Disconnect requests. */
export const ZERO_VECTOR = Buffer.alloc(16);

/** Longest plaintext: 15 blocks less the length octet (fits a 253-octet attribute). */
export const MAX_SALT_PLAINTEXT = 239;

function secretBytes(secret: Secret): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
}

export type SaltDecryptResult = { ok: true; value: Buffer } | { ok: false; error: RadiusDecodeError };

/**
 * Decrypts a salt-encrypted value. Never throws. Refused: a length that is not
 * 2 + a multiple of 16, a salt whose high bit is clear, a length octet past
 * the end, padding that is not zero.
 */
export function saltDecrypt(value: Buffer, secret: Secret, vector: Buffer): SaltDecryptResult {
  const bad = (msg: string): SaltDecryptResult => ({ ok: false, error: new RadiusDecodeError('bad-encrypted-value', msg) });
  if (value.length < 18 || (value.length - 2) % 16 !== 0) {
    return bad(`salt-encrypted value of ${value.length} octets is not 2 + a multiple of 16`);
  }
  // RFC 2868 section 3.5: "The most significant bit (leftmost) of the Salt field MUST be set (1)."
  if ((value[0] & 0x80) === 0) return bad('salt-encrypted value: the salt\'s high bit is not set');
  const key = secretBytes(secret);
  const salt = value.subarray(0, 2);
  const cipher = value.subarray(2);
  const plain = Buffer.alloc(cipher.length);
  let b = createHash('md5').update(key).update(vector).update(salt).digest();
  for (let i = 0; i < cipher.length; i += 16) {
    for (let j = 0; j < 16; j++) plain[i + j] = cipher[i + j] ^ b[j];
    if (i + 16 < cipher.length) b = createHash('md5').update(key).update(cipher.subarray(i, i + 16)).digest();
  }
  const len = plain[0];
  if (len > plain.length - 1) return bad(`salt-encrypted value claims ${len} octets in ${plain.length - 1}`);
  // The padding is zeros (RFC 2868 section 3.5): anything else is a wrong
  // secret or vector that happened to give a plausible length octet.
  for (let i = 1 + len; i < plain.length; i++) {
    if (plain[i] !== 0) return bad('salt-encrypted value: padding is not zero');
  }
  return { ok: true, value: plain.subarray(1, 1 + len) };
}

/**
 * Encrypts `plain` (at most 239 octets). `salt` is for tests; by default two
 * random octets with the high bit set, as RFC 2868 requires.
 */
export function saltEncrypt(plain: Buffer, secret: Secret, vector: Buffer, salt?: Buffer): Buffer {
  if (plain.length > MAX_SALT_PLAINTEXT) throw new RadiusEncodeError(`salt-encrypted value of ${plain.length} octets exceeds ${MAX_SALT_PLAINTEXT}`);
  const s = Buffer.from(salt ?? randomBytes(2));
  if (s.length !== 2) throw new RadiusEncodeError('salt must be 2 octets');
  s[0] |= 0x80;
  const key = secretBytes(secret);
  const blocks = Math.ceil((plain.length + 1) / 16);
  const p = Buffer.alloc(blocks * 16);
  p[0] = plain.length;
  plain.copy(p, 1);
  const c = Buffer.alloc(p.length);
  let b = createHash('md5').update(key).update(vector).update(s).digest();
  for (let i = 0; i < p.length; i += 16) {
    for (let j = 0; j < 16; j++) c[i + j] = p[i + j] ^ b[j];
    b = createHash('md5').update(key).update(c.subarray(i, i + 16)).digest();
  }
  return Buffer.concat([s, c]);
}
