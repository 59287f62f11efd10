/**
 * Typed attribute values (RFC 8044 data types): decoders that return a typed
 * error instead of throwing, and encoders for building packets.
 */
import { ATTR_KIND, AttrKind } from './constants';
import { RadiusDecodeError, RadiusEncodeError } from './errors';
import { ipv4ToString, ipv6ToString, parseIpv4, parseIpv6 } from './ip';

export type ValueResult<T> = { ok: true; value: T } | { ok: false; error: RadiusDecodeError };

function bad<T>(msg: string, attribute?: number): ValueResult<T> {
  return { ok: false, error: new RadiusDecodeError('bad-value', msg, attribute) };
}

export function decodeInteger(v: Buffer, attribute?: number): ValueResult<number> {
  if (v.length !== 4) return bad(`attribute ${attribute ?? '?'}: integer of ${v.length} octets, not 4`, attribute);
  return { ok: true, value: v.readUInt32BE(0) };
}

export function decodeText(v: Buffer, attribute?: number): ValueResult<string> {
  // RFC 8044 text is UTF-8; reject invalid sequences rather than guess.
  const s = v.toString('utf8');
  if (!Buffer.from(s, 'utf8').equals(v)) return bad(`attribute ${attribute ?? '?'}: text is not valid UTF-8`, attribute);
  return { ok: true, value: s };
}

export function decodeIpv4(v: Buffer, attribute?: number): ValueResult<string> {
  if (v.length !== 4) return bad(`attribute ${attribute ?? '?'}: IPv4 address of ${v.length} octets, not 4`, attribute);
  return { ok: true, value: ipv4ToString(v) };
}

export function decodeIpv6(v: Buffer, attribute?: number): ValueResult<string> {
  if (v.length !== 16) return bad(`attribute ${attribute ?? '?'}: IPv6 address of ${v.length} octets, not 16`, attribute);
  return { ok: true, value: ipv6ToString(v) };
}

/** RFC 3162 / 8044 ipv6prefix: reserved octet, prefix length, up to 16 prefix octets. Returns "addr/len". */
export function decodeIpv6Prefix(v: Buffer, attribute?: number): ValueResult<string> {
  if (v.length < 2 || v.length > 18) return bad(`attribute ${attribute ?? '?'}: IPv6 prefix of ${v.length} octets`, attribute);
  const plen = v[1];
  if (plen > 128) return bad(`attribute ${attribute ?? '?'}: IPv6 prefix length ${plen} above 128`, attribute);
  if ((v.length - 2) * 8 < plen) return bad(`attribute ${attribute ?? '?'}: IPv6 prefix /${plen} needs more than ${v.length - 2} octets`, attribute);
  const addr = Buffer.alloc(16);
  v.copy(addr, 0, 2);
  // Bits past the prefix length are not part of the prefix: clear them.
  for (let bit = plen; bit < 128; bit++) addr[bit >> 3] &= ~(0x80 >> (bit & 7));
  return { ok: true, value: `${ipv6ToString(addr)}/${plen}` };
}

export type TypedValue = string | number | Buffer;

/** Decodes a standard attribute by the kind flowtapd knows for it (octets for unknown types). */
export function decodeValue(type: number, v: Buffer): ValueResult<TypedValue> {
  const kind: AttrKind = ATTR_KIND[type] ?? 'string';
  switch (kind) {
    case 'text':
      return decodeText(v, type);
    case 'integer':
    case 'time':
      return decodeInteger(v, type);
    case 'ipv4addr':
      return decodeIpv4(v, type);
    case 'ipv6addr':
      return decodeIpv6(v, type);
    case 'ipv6prefix':
      return decodeIpv6Prefix(v, type);
    case 'string':
      return { ok: true, value: v };
  }
}

export function encodeInteger(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RadiusEncodeError(`integer ${n} is not 0..2^32-1`);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

export function encodeText(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

export function encodeIpv4(s: string): Buffer {
  const b = parseIpv4(s);
  if (!b) throw new RadiusEncodeError(`not an IPv4 address: ${s}`);
  return b;
}

export function encodeIpv6(s: string): Buffer {
  const b = parseIpv6(s);
  if (!b) throw new RadiusEncodeError(`not an IPv6 address: ${s}`);
  return b;
}

/** "2001:db8::/48" -> reserved, length, the significant prefix octets. */
export function encodeIpv6Prefix(s: string): Buffer {
  const slash = s.indexOf('/');
  const plen = slash < 0 ? NaN : Number(s.slice(slash + 1));
  const addr = slash < 0 ? undefined : parseIpv6(s.slice(0, slash));
  if (!addr || !Number.isInteger(plen) || plen < 0 || plen > 128) throw new RadiusEncodeError(`not an IPv6 prefix: ${s}`);
  const n = Math.ceil(plen / 8);
  return Buffer.concat([Buffer.from([0, plen]), addr.subarray(0, n)]);
}
