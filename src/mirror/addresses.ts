/**
 * Which subscriber addresses flowtapd may mirror. A mirror copies every
 * packet whose source or destination falls in the subscriber's addresses to
 * the mediation device, so an address learned from accounting that covers
 * more than one subscriber (::/0, 0.0.0.0, a multicast group, link-local
 * space shared by every subscriber on the interface) would hand other
 * people's traffic to an intercept. Such a value is never learned.
 *
 * The IPv6 bound: a BNG gives one subscriber a Framed-IPv6-Prefix of /64
 * (the access link, RFC 3162 / TR-187) or longer, and delegates at most a
 * /48 (RFC 6177, RIPE-690 section 4: /48 is the largest end-site
 * assignment; /56 and /60 are common). Nothing shorter than /48 is one
 * subscriber's.
 */
import { parseIpv4, parseIpv6 } from '../radius/codec';

/** The shortest IPv6 prefix accepted as one subscriber's. */
export const MIN_IPV6_PREFIX_LENGTH = 48;

/** Why a Framed-IP-Address cannot be one subscriber's address; undefined when it can. */
export function implausibleIpv4(addr: string): string | undefined {
  const b = parseIpv4(addr);
  if (!b) return 'not an IPv4 address';
  // 0.0.0.0/8 "this network"; 255.255.255.254 / .255 are RFC 2865's "NAS selects" / "user selects", not addresses
  if (b[0] === 0) return 'this-network address (0.0.0.0/8)';
  if (b[0] === 127) return 'loopback address';
  if (b[0] >= 224) return 'multicast, reserved or broadcast address (224.0.0.0/3)';
  return undefined;
}

/** Why a Framed-IPv6-Prefix ("addr/len") cannot be one subscriber's prefix; undefined when it can. */
export function implausibleIpv6Prefix(prefix: string): string | undefined {
  const slash = prefix.indexOf('/');
  const len = slash < 0 ? NaN : Number(prefix.slice(slash + 1));
  const b = slash < 0 ? undefined : parseIpv6(prefix.slice(0, slash));
  if (!b || !Number.isInteger(len) || len < 0 || len > 128) return 'not an IPv6 prefix';
  if (len < MIN_IPV6_PREFIX_LENGTH) return `prefix length /${len} is shorter than /${MIN_IPV6_PREFIX_LENGTH}`;
  // ::/8 (unspecified, loopback, IPv4-mapped), fe80::/10 (link-local: every subscriber's), ff00::/8 (multicast)
  if (b[0] === 0) return 'reserved prefix (::/8)';
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return 'link-local prefix (fe80::/10)';
  if (b[0] === 0xff) return 'multicast prefix (ff00::/8)';
  return undefined;
}

/** Why a Framed-IP-Address or Framed-IPv6-Prefix (it has a ':') cannot be one subscriber's; undefined when it can. */
export function implausibleAddress(addr: string): string | undefined {
  return addr.includes(':') ? implausibleIpv6Prefix(addr) : implausibleIpv4(addr);
}

/** A mirrored address as a prefix with its length: "192.0.2.10" -> "192.0.2.10/32"; IPv6 prefixes as they are. */
export function withLength(addr: string): string {
  return addr.includes('/') ? addr : addr.includes(':') ? `${addr}/128` : `${addr}/32`;
}
