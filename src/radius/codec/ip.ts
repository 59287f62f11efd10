/** Address forms for the RADIUS codec: bytes <-> canonical text (RFC 5952 for IPv6). */
import { isIPv4, isIPv6 } from 'node:net';

export function ipv4ToString(b: Buffer): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** Parses dotted-quad text; returns undefined for anything else. */
export function parseIpv4(s: string): Buffer | undefined {
  if (!isIPv4(s)) return undefined;
  return Buffer.from(s.split('.').map((p) => Number(p)));
}

/** RFC 5952 text of a 16-octet address (lower case, longest zero run compressed). */
export function ipv6ToString(b: Buffer): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  // IPv4-mapped addresses keep their dotted tail.
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Parses IPv6 text (with an optional dotted IPv4 tail); undefined if invalid. */
export function parseIpv6(s: string): Buffer | undefined {
  if (!isIPv6(s)) return undefined;
  let text = s;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tailV4: Buffer | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (!tailV4) return undefined;
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  const part = (h: string): number[] => (h === '' ? [] : h.split(':').map((x) => parseInt(x, 16)));
  const head = part(halves[0]);
  const tail = halves.length > 1 ? part(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  const words = halves.length > 1 ? [...head, ...new Array<number>(fill).fill(0), ...tail] : head;
  if (words.length !== 8) return undefined;
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  if (tailV4) tailV4.copy(out, 12);
  return out;
}

/**
 * Canonical text of any IP address, as used for client-table keys: IPv4 as
 * dotted quad (also when it arrives IPv4-mapped on an IPv6 socket), IPv6 per
 * RFC 5952. Returns undefined for text that is not an address.
 */
export function canonicalIp(s: string): string | undefined {
  if (isIPv4(s)) return ipv4ToString(parseIpv4(s)!);
  const b = parseIpv6(s);
  if (!b) return undefined;
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
    return ipv4ToString(b.subarray(12));
  }
  return ipv6ToString(b);
}
