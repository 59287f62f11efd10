/**
 * IP addresses and prefixes as libyang's ietf-inet-types plugins read and
 * print them (libyang 2.1: ipv4_address.c, ipv6_address.c, ipv4_prefix.c,
 * ipv6_prefix.c): after the typedef's patterns, the address must convert
 * with glibc's inet_pton(), and the canonical form is inet_ntop()'s (RFC
 * 5952: lower case, the longest run of two or more zero groups compressed,
 * the first one on a tie; IPv4-mapped and IPv4-compatible addresses end in
 * dotted quad). A zone is kept as written. Prefixes get their host bits
 * zeroed.
 */

/** inet_pton(AF_INET): four decimal octets, no leading zeros. */
export function parseIpv4(s: string): number[] | null {
  const out: number[] = [];
  let cur = -1;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && cur === 0) return null;
      cur = (cur < 0 ? 0 : cur * 10) + (c - 0x30);
      digits++;
      if (cur > 255) return null;
    } else if (c === 0x2e) {
      if (digits === 0 || out.length === 3) return null;
      out.push(cur);
      cur = -1;
      digits = 0;
    } else {
      return null;
    }
  }
  if (digits === 0 || out.length !== 3) return null;
  out.push(cur);
  return out;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** inet_pton(AF_INET6): eight 16-bit words, or null. */
export function parseIpv6(s: string): number[] | null {
  const words: number[] = [];
  let gap = -1;
  let i = 0;
  const n = s.length;
  if (n === 0) return null;
  if (s.charCodeAt(0) === 0x3a) {
    if (n < 2 || s.charCodeAt(1) !== 0x3a) return null;
  }
  let tokStart = 0;
  let val = 0;
  let digits = 0;
  while (i < n) {
    const c = s.charCodeAt(i++);
    const h = hexVal(c);
    if (h >= 0) {
      if (digits === 4) return null;
      val = (val << 4) | h;
      digits++;
      continue;
    }
    if (c === 0x3a) {
      tokStart = i;
      if (digits === 0) {
        if (i === 1) continue; // leading "::": the second colon opens the gap
        if (gap >= 0) return null;
        gap = words.length;
        continue;
      }
      if (i === n) return null; // trailing single colon
      if (words.length === 8) return null;
      words.push(val);
      val = 0;
      digits = 0;
      continue;
    }
    if (c === 0x2e && words.length <= 6) {
      const v4 = parseIpv4(s.slice(tokStart));
      if (!v4) return null;
      words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      digits = 0;
      i = n;
      break;
    }
    return null;
  }
  if (digits > 0) {
    if (words.length === 8) return null;
    words.push(val);
  }
  if (gap >= 0) {
    if (words.length === 8) return null;
    const fill = 8 - words.length;
    words.splice(gap, 0, ...new Array<number>(fill).fill(0));
  }
  return words.length === 8 ? words : null;
}

/** inet_ntop(AF_INET6) */
export function formatIpv6(w: number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      out += `${w[6] >> 8}.${w[6] & 0xff}.${w[7] >> 8}.${w[7] & 0xff}`;
      return out;
    }
    out += w[i].toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

export type InetResult = { ok: true; value: string } | { ok: false; message: string };

/** ipv4-address(-no-zone): the value after its patterns matched */
export function canonIpv4Address(s: string): InetResult {
  const pc = s.indexOf('%');
  const addr = pc < 0 ? s : s.slice(0, pc);
  const v4 = parseIpv4(addr);
  if (!v4) return { ok: false, message: `Failed to convert IPv4 address "${s}".` };
  return { ok: true, value: v4.join('.') + (pc < 0 ? '' : s.slice(pc)) };
}

/** ipv6-address(-no-zone): the value after its patterns matched */
export function canonIpv6Address(s: string): InetResult {
  const pc = s.indexOf('%');
  const addr = pc < 0 ? s : s.slice(0, pc);
  const w = parseIpv6(addr);
  if (!w) return { ok: false, message: `Failed to convert IPv6 address "${s}".` };
  return { ok: true, value: formatIpv6(w) + (pc < 0 ? '' : s.slice(pc)) };
}

function prefixLength(s: string, max: number): number {
  if (!/^[0-9]{1,3}$/.test(s)) return -1;
  const n = Number(s);
  return n <= max ? n : -1;
}

/** ipv4-prefix: address/length with the host bits zeroed */
export function canonIpv4Prefix(s: string): InetResult {
  const sl = s.indexOf('/');
  const bad: InetResult = { ok: false, message: `Failed to convert IPv4 address "${s}".` };
  if (sl < 0) return bad;
  const v4 = parseIpv4(s.slice(0, sl));
  const len = prefixLength(s.slice(sl + 1), 32);
  if (!v4 || len < 0) return bad;
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    v4[i] &= (0xff << (8 - keep)) & 0xff;
  }
  return { ok: true, value: `${v4.join('.')}/${len}` };
}

/** ipv6-prefix: address/length with the host bits zeroed */
export function canonIpv6Prefix(s: string): InetResult {
  const sl = s.indexOf('/');
  const bad: InetResult = { ok: false, message: `Failed to convert IPv6 address "${s}".` };
  if (sl < 0) return bad;
  const w = parseIpv6(s.slice(0, sl));
  const len = prefixLength(s.slice(sl + 1), 128);
  if (!w || len < 0) return bad;
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, len - i * 16));
    w[i] &= (0xffff << (16 - keep)) & 0xffff;
  }
  return { ok: true, value: `${formatIpv6(w)}/${len}` };
}
