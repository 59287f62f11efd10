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

/**
 * inet_pton(AF_INET) of s[from, to): four decimal octets, no leading zeros;
 * the octets go to out[at..at+3]. false: not an address.
 */
function ipv4Into(s: string, from: number, to: number, out: number[], at: number): boolean {
  let k = 0;
  let cur = -1;
  let lead0 = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (lead0) return false;
      if (cur < 0) {
        cur = c - 0x30;
        lead0 = cur === 0;
      } else {
        cur = cur * 10 + (c - 0x30);
        if (cur > 255) return false;
      }
    } else if (c === 0x2e) {
      if (cur < 0 || k === 3) return false;
      out[at + k++] = cur;
      cur = -1;
      lead0 = false;
    } else {
      return false;
    }
  }
  if (cur < 0 || k !== 3) return false;
  out[at + 3] = cur;
  return true;
}

/** inet_pton(AF_INET): four decimal octets, no leading zeros. */
export function parseIpv4(s: string): number[] | null {
  const out = [0, 0, 0, 0];
  return ipv4Into(s, 0, s.length, out, 0) ? out : null;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

const v4tmp = [0, 0, 0, 0];

/** inet_pton(AF_INET6) of s[0, to): eight 16-bit words, or null. */
export function parseIpv6(s: string, to = s.length): number[] | null {
  const w = [0, 0, 0, 0, 0, 0, 0, 0];
  let nw = 0;
  let gap = -1;
  let i = 0;
  if (to === 0) return null;
  if (s.charCodeAt(0) === 0x3a) {
    if (to < 2 || s.charCodeAt(1) !== 0x3a) return null;
    i = 1;
  }
  let tokStart = i;
  let val = 0;
  let digits = 0;
  while (i < to) {
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
        if (gap >= 0) return null;
        gap = nw;
        continue;
      }
      if (i === to || nw === 8) return null; // trailing single colon
      w[nw++] = val;
      val = 0;
      digits = 0;
      continue;
    }
    if (c === 0x2e && nw <= 6) {
      if (!ipv4Into(s, tokStart, to, v4tmp, 0)) return null;
      w[nw++] = (v4tmp[0] << 8) | v4tmp[1];
      w[nw++] = (v4tmp[2] << 8) | v4tmp[3];
      digits = 0;
      i = to;
      break;
    }
    return null;
  }
  if (digits > 0) {
    if (nw === 8) return null;
    w[nw++] = val;
  }
  if (gap >= 0) {
    if (nw === 8) return null;
    // move the words after the gap to the end, zeros in between
    const tail = nw - gap;
    for (let k = 0; k < tail; k++) w[7 - k] = w[nw - 1 - k];
    for (let k = gap; k < 8 - tail; k++) w[k] = 0;
    nw = 8;
  }
  return nw === 8 ? w : null;
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

/** ipv4-address(-no-zone): the value after its patterns matched (canonical: as written) */
export function canonIpv4Address(s: string): InetResult {
  const pc = s.indexOf('%');
  if (!ipv4Into(s, 0, pc < 0 ? s.length : pc, v4tmp, 0)) return { ok: false, message: `Failed to convert IPv4 address "${s}".` };
  return { ok: true, value: s };
}

/** ipv6-address(-no-zone): the value after its patterns matched */
export function canonIpv6Address(s: string): InetResult {
  const pc = s.indexOf('%');
  const w = parseIpv6(s, pc < 0 ? s.length : pc);
  if (!w) return { ok: false, message: `Failed to convert IPv6 address "${s}".` };
  return { ok: true, value: pc < 0 ? formatIpv6(w) : formatIpv6(w) + s.slice(pc) };
}

/** a prefix length: 1 to 3 digits, at most max; -1: not one */
function prefixLength(s: string, from: number, max: number): number {
  const len = s.length - from;
  if (len < 1 || len > 3) return -1;
  let v = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v <= max ? v : -1;
}

/** ipv4-prefix: address/length with the host bits zeroed */
export function canonIpv4Prefix(s: string): InetResult {
  const sl = s.indexOf('/');
  const v4 = [0, 0, 0, 0];
  const len = sl < 0 ? -1 : prefixLength(s, sl + 1, 32);
  if (len < 0 || !ipv4Into(s, 0, sl, v4, 0)) return { ok: false, message: `Failed to convert IPv4 address "${s}".` };
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    v4[i] &= (0xff << (8 - keep)) & 0xff;
  }
  return { ok: true, value: `${v4[0]}.${v4[1]}.${v4[2]}.${v4[3]}/${len}` };
}

/** ipv6-prefix: address/length with the host bits zeroed */
export function canonIpv6Prefix(s: string): InetResult {
  const sl = s.indexOf('/');
  const len = sl < 0 ? -1 : prefixLength(s, sl + 1, 128);
  const w = len < 0 ? null : parseIpv6(s, sl);
  if (!w) return { ok: false, message: `Failed to convert IPv6 address "${s}".` };
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, len - i * 16));
    w[i] &= (0xffff << (16 - keep)) & 0xffff;
  }
  return { ok: true, value: `${formatIpv6(w)}/${len}` };
}
