/**
 * Jmirror encapsulation codec (DESIGN.md section 5), without I/O.
 *
 *   IPv4   version 4, IHL 5, DSCP (given, or the inner packet's own), TTL 255,
 *          protocol 17, header checksum, source, destination
 *   UDP    source port, destination port, length, checksum 0
 *   Mirror 2 bits version 0 | 30 bits intercept id | 32 bits session id
 *   Data   the mirrored IP packet, unchanged
 *
 * The encoder writes into a caller-provided buffer and allocates nothing per
 * packet; the decoder is for tests and tools.
 */

import { AgentError } from '../errors';

export const JMIRROR_HEADER_LEN = 20 + 8 + 8;
export const JMIRROR_DEFAULT_PORT = 30030;
export const MAX_INTERCEPT_ID = 0x3fffffff;

/** Per-session constants of the outer header, prepared once. */
export interface JmirrorFlow {
  /** outer IPv4 source, as a 32-bit unsigned number */
  src: number;
  /** outer IPv4 destination (mediation device), as a 32-bit unsigned number */
  dst: number;
  srcPort: number;
  dstPort: number;
  interceptId: number;
  sessionId: number;
  /** DSCP 0..63; undefined copies the inner packet's own DSCP */
  dscp?: number;
}

export function ipv4ToNumber(addr: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  if (!m) throw new AgentError('invalid-value', `not an IPv4 address: ${JSON.stringify(addr)}`);
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) throw new AgentError('invalid-value', `not an IPv4 address: ${JSON.stringify(addr)}`);
    n = n * 256 + o;
  }
  return n >>> 0;
}

export function numberToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Checks a flow's fields once, so the hot path need not. */
export function checkFlow(f: JmirrorFlow): void {
  const bad = (what: string): never => {
    throw new AgentError('invalid-value', `jmirror: ${what}`);
  };
  if (!Number.isInteger(f.interceptId) || f.interceptId < 0 || f.interceptId > MAX_INTERCEPT_ID) bad(`intercept id ${f.interceptId} is not a 30-bit number`);
  if (!Number.isInteger(f.sessionId) || f.sessionId < 0 || f.sessionId > 0xffffffff) bad(`session id ${f.sessionId} is not a 32-bit number`);
  for (const [n, p] of [['source port', f.srcPort], ['destination port', f.dstPort]] as const)
    if (!Number.isInteger(p) || p < 0 || p > 0xffff) bad(`${n} ${p} is out of range`);
  if (f.dscp !== undefined && (!Number.isInteger(f.dscp) || f.dscp < 0 || f.dscp > 63)) bad(`dscp ${f.dscp} is out of range`);
  for (const a of [f.src, f.dst]) if (!Number.isInteger(a) || a < 0 || a > 0xffffffff) bad(`address ${a} is out of range`);
}

/** DSCP of an inner IPv4 or IPv6 packet (0 when it is neither). */
export function innerDscp(buf: Uint8Array, off: number, len: number): number {
  if (len < 2) return 0;
  const v = buf[off] >> 4;
  if (v === 4) return buf[off + 1] >> 2;
  if (v === 6) return ((buf[off] & 0x0f) << 2) | (buf[off + 1] >> 6);
  return 0;
}

/**
 * Writes the 36-octet outer header at out[off..off+36) for an inner packet of
 * innerLen octets whose first two octets are inner[innerOff], inner[innerOff+1]
 * (for the DSCP copy). The inner packet itself is expected at out[off+36] (the
 * caller reads it there directly, or copies it). Returns the total length.
 */
export function encodeHeader(out: Buffer, off: number, f: JmirrorFlow, innerLen: number, ipId: number, dscpSource: number): number {
  const total = JMIRROR_HEADER_LEN + innerLen;
  if (total > 0xffff) throw new AgentError('too-big', `jmirror: packet of ${total} octets exceeds the IPv4 maximum`);
  const dscp = f.dscp === undefined ? dscpSource : f.dscp;
  out[off] = 0x45;
  out[off + 1] = dscp << 2;
  out[off + 2] = total >>> 8;
  out[off + 3] = total & 255;
  out[off + 4] = (ipId >>> 8) & 255;
  out[off + 5] = ipId & 255;
  out[off + 6] = 0x40; // DF: the relay never fragments
  out[off + 7] = 0;
  out[off + 8] = 255;
  out[off + 9] = 17;
  out[off + 10] = 0;
  out[off + 11] = 0;
  out.writeUInt32BE(f.src, off + 12);
  out.writeUInt32BE(f.dst, off + 16);
  // header checksum
  let s = 0;
  for (let i = 0; i < 20; i += 2) s += (out[off + i] << 8) | out[off + i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  s = ~s & 0xffff;
  out[off + 10] = s >>> 8;
  out[off + 11] = s & 255;
  // UDP
  const u = off + 20;
  const ulen = total - 20;
  out[u] = f.srcPort >>> 8;
  out[u + 1] = f.srcPort & 255;
  out[u + 2] = f.dstPort >>> 8;
  out[u + 3] = f.dstPort & 255;
  out[u + 4] = ulen >>> 8;
  out[u + 5] = ulen & 255;
  out[u + 6] = 0;
  out[u + 7] = 0;
  // mirror header: version 0 in the top two bits
  out.writeUInt32BE(f.interceptId & MAX_INTERCEPT_ID, u + 8);
  out.writeUInt32BE(f.sessionId >>> 0, u + 12);
  return total;
}

/**
 * Encodes inner[innerOff..innerOff+innerLen) behind the jmirror header into
 * out at off. Returns the total length written. No allocation.
 */
export function encode(out: Buffer, off: number, f: JmirrorFlow, inner: Buffer, innerOff: number, innerLen: number, ipId = 0): number {
  if (off + JMIRROR_HEADER_LEN + innerLen > out.length) throw new AgentError('too-big', `jmirror: output buffer too small for ${innerLen} octets`);
  const total = encodeHeader(out, off, f, innerLen, ipId, innerDscp(inner, innerOff, innerLen));
  inner.copy(out, off + JMIRROR_HEADER_LEN, innerOff, innerOff + innerLen);
  return total;
}

export interface JmirrorPacket {
  version: number;
  dscp: number;
  ttl: number;
  protocol: number;
  id: number;
  checksumOk: boolean;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  udpLength: number;
  udpChecksum: number;
  mirrorVersion: number;
  interceptId: number;
  sessionId: number;
  inner: Buffer;
}

/** Decodes a whole outer IPv4 packet (starting at its IP header). */
export function decode(pkt: Buffer): JmirrorPacket {
  const bad = (what: string): never => {
    throw new AgentError('malformed-message', `jmirror: ${what}`);
  };
  if (pkt.length < JMIRROR_HEADER_LEN) bad(`packet of ${pkt.length} octets is shorter than the ${JMIRROR_HEADER_LEN}-octet header`);
  if (pkt[0] >> 4 !== 4) bad(`outer IP version ${pkt[0] >> 4}, expected 4`);
  const ihl = (pkt[0] & 15) * 4;
  if (ihl < 20 || pkt.length < ihl + 16) bad(`bad IHL ${ihl}`);
  if (pkt[9] !== 17) bad(`outer protocol ${pkt[9]}, expected 17 (UDP)`);
  const total = pkt.readUInt16BE(2);
  if (total > pkt.length) bad(`IP total length ${total} exceeds the ${pkt.length} octets received`);
  let s = 0;
  for (let i = 0; i < ihl; i += 2) s += pkt.readUInt16BE(i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const u = pkt.subarray(ihl, total);
  return decodeUdpPayload(u.subarray(8), {
    version: 4,
    dscp: pkt[1] >> 2,
    ttl: pkt[8],
    protocol: pkt[9],
    id: pkt.readUInt16BE(4),
    checksumOk: s === 0xffff,
    src: numberToIpv4(pkt.readUInt32BE(12)),
    dst: numberToIpv4(pkt.readUInt32BE(16)),
    srcPort: u.readUInt16BE(0),
    dstPort: u.readUInt16BE(2),
    udpLength: u.readUInt16BE(4),
    udpChecksum: u.readUInt16BE(6),
  });
}

type Outer = Omit<JmirrorPacket, 'mirrorVersion' | 'interceptId' | 'sessionId' | 'inner'>;

/** Decodes a UDP payload (mirror header + inner packet), e.g. from a UDP socket. */
export function decodeUdpPayload(payload: Buffer, outer: Outer = emptyOuter()): JmirrorPacket {
  if (payload.length < 8) throw new AgentError('malformed-message', `jmirror: UDP payload of ${payload.length} octets has no mirror header`);
  const w = payload.readUInt32BE(0);
  return {
    ...outer,
    mirrorVersion: w >>> 30,
    interceptId: w & MAX_INTERCEPT_ID,
    sessionId: payload.readUInt32BE(4),
    inner: payload.subarray(8),
  };
}

function emptyOuter(): Outer {
  return { version: 0, dscp: 0, ttl: 0, protocol: 0, id: 0, checksumOk: false, src: '', dst: '', srcPort: 0, dstPort: 0, udpLength: 0, udpChecksum: 0 };
}

/** One-line summary of an inner IP packet, for tools. */
export function summarizeInner(p: Buffer): string {
  if (p.length < 1) return 'empty';
  const v = p[0] >> 4;
  if (v === 4 && p.length >= 20) {
    const proto = p[9];
    const ihl = (p[0] & 15) * 4;
    const src = numberToIpv4(p.readUInt32BE(12));
    const dst = numberToIpv4(p.readUInt32BE(16));
    const ports = (proto === 6 || proto === 17) && p.length >= ihl + 4 ? ` ${p.readUInt16BE(ihl)} > ${p.readUInt16BE(ihl + 2)}` : '';
    const name = proto === 1 ? 'icmp' : proto === 6 ? 'tcp' : proto === 17 ? 'udp' : `proto ${proto}`;
    return `IPv4 ${src} > ${dst} ${name}${ports} len ${p.readUInt16BE(2)}`;
  }
  if (v === 6 && p.length >= 40) {
    const hex = (o: number): string => {
      const parts: string[] = [];
      for (let i = 0; i < 16; i += 2) parts.push(p.readUInt16BE(o + i).toString(16));
      return parts.join(':');
    };
    return `IPv6 ${hex(8)} > ${hex(24)} next ${p[6]} len ${p.readUInt16BE(4) + 40}`;
  }
  return `unknown version ${v} len ${p.length}`;
}
