/**
 * The relay: reads mirrored copies from the TUN pool members (batched), finds
 * the session by address (source for ingress copies, destination for egress),
 * applies the drop-policy rules, prepends the jmirror header and sends with a
 * raw IPv4 socket (IP_HDRINCL) to the mediation device. No allocation per
 * packet: every buffer and counter array is preallocated.
 *
 * Lookup is O(1) for IPv4 /32 (a map by address) and IPv6 /64 and longer (a
 * map by the /64); shorter prefixes are searched linearly. A multicast copy
 * (multicast-interception) that no session claims by address belongs to the
 * session whose multicast its pool member carries (RelayConfig.multicast).
 * Known limit: multicast sent by one mirrored subscriber and forwarded to
 * another is attributed to the sender (by address) in both copies.
 */

import * as fs from 'fs';
import { native } from '../dataplane/native';
import { AgentError } from '../errors';
import { checkFlow, encodeHeader, innerDscp, ipv4ToNumber, JmirrorFlow, JMIRROR_HEADER_LEN } from './jmirror';

export interface DropRule {
  family?: 4 | 6;
  /** prefixes */
  sourceAddress?: string;
  destinationAddress?: string;
  sourcePort?: number;
  destinationPort?: number;
  protocol?: number;
  dscp?: number;
}

export interface RelaySessionSpec {
  key: string;
  /** IPv4 addresses or prefixes, IPv6 prefixes */
  addresses: string[];
  interceptId: number;
  sessionId: number;
  medIp: string;
  medPort: number;
  dropRules: DropRule[];
}

export interface RelayConfig {
  sourceIpv4: string;
  dscp?: number;
  sessions: RelaySessionSpec[];
  /**
   * multicast-interception: a multicast copy (IPv4 224.0.0.0/4, IPv6 ff00::/8
   * destination) read from `tunnel` that no session claims by address belongs
   * to session `key` (the one mirrored subscriber behind the interface whose
   * egress multicast goes to that tunnel).
   */
  multicast?: { tunnel: string; key: string }[];
}

export interface SessionCounters {
  packets: number;
  bytes: number;
  policyDrops: number;
}

interface CompiledRule {
  family: number;
  src?: Pfx;
  dst?: Pfx;
  sport: number;
  dport: number;
  proto: number;
  dscp: number;
}
interface Pfx {
  family: 4 | 6;
  words: Uint32Array; // 1 or 4 words
  masks: Uint32Array;
}

interface Session {
  key: string;
  /** the spec it was compiled from */
  sig: string;
  flow: JmirrorFlow;
  rules: CompiledRule[];
  v4: Pfx[];
  v6: Pfx[];
  counters: SessionCounters;
}

const BATCH = 256;
const READ_BUF = 1 << 20;

function compilePrefix(s: string): Pfx {
  const [a, l] = s.split('/');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const net = require('net') as typeof import('net');
  if (net.isIPv4(a)) {
    const len = l === undefined ? 32 : Number(l);
    if (!Number.isInteger(len) || len < 0 || len > 32) throw new AgentError('invalid-value', `bad prefix length in ${s}`);
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    return { family: 4, words: Uint32Array.of((ipv4ToNumber(a) & mask) >>> 0), masks: Uint32Array.of(mask) };
  }
  if (net.isIPv6(a)) {
    const len = l === undefined ? 128 : Number(l);
    if (!Number.isInteger(len) || len < 0 || len > 128) throw new AgentError('invalid-value', `bad prefix length in ${s}`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parsePrefix } = require('../dataplane/tc') as typeof import('../dataplane/tc');
    const p = parsePrefix(`${a}/${len}`);
    const words = new Uint32Array(4);
    const masks = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      const bits = Math.max(0, Math.min(32, len - i * 32));
      masks[i] = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      words[i] = (p.addr.readUInt32BE(i * 4) & masks[i]) >>> 0;
    }
    return { family: 6, words, masks };
  }
  throw new AgentError('invalid-value', `not an IP address or prefix: ${JSON.stringify(s)}`);
}

/** Does the address at buf[off] (4 or 16 octets) fall in the prefix? */
function inPrefix(p: Pfx, buf: Buffer, off: number): boolean {
  const n = p.words.length;
  for (let i = 0; i < n; i++) if (((buf.readUInt32BE(off + 4 * i) & p.masks[i]) >>> 0) !== p.words[i]) return false;
  return true;
}

function compileRule(r: DropRule): CompiledRule {
  const src = r.sourceAddress ? compilePrefix(r.sourceAddress) : undefined;
  const dst = r.destinationAddress ? compilePrefix(r.destinationAddress) : undefined;
  const family = r.family ?? src?.family ?? dst?.family ?? 0;
  return { family, src, dst, sport: r.sourcePort ?? -1, dport: r.destinationPort ?? -1, proto: r.protocol ?? -1, dscp: r.dscp ?? -1 };
}

/** Does the packet match this drop rule? */
function ruleMatches(r: CompiledRule, b: Buffer, off: number, len: number): boolean {
  const v = b[off] >> 4;
  if (r.family && r.family !== v) return false;
  let proto: number;
  let l4: number;
  if (v === 4) {
    if (len < 20) return false;
    if (r.src && (r.src.family !== 4 || !inPrefix(r.src, b, off + 12))) return false;
    if (r.dst && (r.dst.family !== 4 || !inPrefix(r.dst, b, off + 16))) return false;
    proto = b[off + 9];
    l4 = off + (b[off] & 15) * 4;
  } else if (v === 6) {
    if (len < 40) return false;
    if (r.src && (r.src.family !== 6 || !inPrefix(r.src, b, off + 8))) return false;
    if (r.dst && (r.dst.family !== 6 || !inPrefix(r.dst, b, off + 24))) return false;
    proto = b[off + 6];
    l4 = off + 40;
  } else return false;
  if (r.proto >= 0 && r.proto !== proto) return false;
  if (r.dscp >= 0 && r.dscp !== innerDscp(b, off, len)) return false;
  if (r.sport >= 0 || r.dport >= 0) {
    if (!(proto === 6 || proto === 17 || proto === 132) || l4 + 4 > off + len) return false;
    if (r.sport >= 0 && b.readUInt16BE(l4) !== r.sport) return false;
    if (r.dport >= 0 && b.readUInt16BE(l4 + 2) !== r.dport) return false;
  }
  return true;
}

/** Is the packet's destination multicast (IPv4 224.0.0.0/4, IPv6 ff00::/8)? */
function multicastDst(b: Buffer, off: number, len: number): boolean {
  const v = b[off] >> 4;
  if (v === 4) return len >= 20 && (b[off + 16] & 0xf0) === 0xe0;
  if (v === 6) return len >= 40 && b[off + 24] === 0xff;
  return false;
}

interface Reader {
  name: string;
  fd: number;
  poll: unknown;
}

/** A session of the table from its spec (throws on a bad flow); the counters of `old` carry over. */
function compileSession(s: RelaySessionSpec, sig: string, src: number, dscp: number | undefined, old: Session | undefined): Session {
  const flow: JmirrorFlow = {
    src, dst: ipv4ToNumber(s.medIp), srcPort: 49152 | (s.interceptId & 0x3fff), dstPort: s.medPort,
    interceptId: s.interceptId, sessionId: s.sessionId, dscp,
  };
  checkFlow(flow);
  const prefixes = s.addresses.map(compilePrefix);
  return {
    key: s.key, sig, flow, rules: s.dropRules.map(compileRule),
    v4: prefixes.filter((p) => p.family === 4), v6: prefixes.filter((p) => p.family === 6),
    counters: old?.counters ?? { packets: 0, bytes: 0, policyDrops: 0 },
  };
}

export class Relay {
  private readonly raw: number;
  private byV4 = new Map<number, Session>();
  private v4Prefixes: Session[] = [];
  /** sessions with an IPv6 prefix of /64 or longer, by the /64's two words */
  private byV6 = new Map<number, Map<number, Session[]>>();
  /** sessions with a shorter IPv6 prefix (searched linearly) */
  private v6: Session[] = [];
  private sessions = new Map<string, Session>();
  private readers = new Map<string, Reader>();
  private mcastByTunnel = new Map<string, Session>();
  private readonly inBuf = Buffer.alloc(READ_BUF + 65536);
  private readonly inOffs = new Uint32Array(BATCH);
  private readonly inLens = new Uint32Array(BATCH);
  private readonly outBuf = Buffer.alloc(BATCH * 2048 + 65536 + JMIRROR_HEADER_LEN);
  private readonly outOffs = new Uint32Array(BATCH);
  private readonly outLens = new Uint32Array(BATCH);
  private readonly outDsts = new Uint32Array(BATCH);
  private ipId = 0;
  /** copies for which no session was found, or that could not be sent */
  readonly stats = { unmatched: 0, sendFailures: 0, oversize: 0, received: 0, sent: 0 };

  constructor() {
    this.raw = native().rawOpen();
  }

  /** source address and DSCP of the last configure() */
  private src = 0;
  private dscp?: number;

  /** Replaces the session table (counters of kept sessions carry over). */
  configure(cfg: RelayConfig): void {
    const src = ipv4ToNumber(cfg.sourceIpv4);
    this.src = src;
    this.dscp = cfg.dscp;
    const byV4 = new Map<number, Session>();
    const v4Prefixes: Session[] = [];
    const v6: Session[] = [];
    const byV6 = new Map<number, Map<number, Session[]>>();
    const sessions = new Map<string, Session>();
    const rulesText = new Map<DropRule[], string>();
    const textOf = (r: DropRule[]): string => {
      let t = rulesText.get(r);
      if (t === undefined) rulesText.set(r, (t = JSON.stringify(r)));
      return t;
    };
    for (const s of cfg.sessions) {
      // An unchanged session is kept as it is (a reconcile restates every mirror).
      const old = this.sessions.get(s.key);
      const sig = `${s.interceptId}|${s.sessionId}|${s.medIp}|${s.medPort}|${s.addresses.join(',')}|${textOf(s.dropRules)}`;
      if (old && old.sig === sig && old.flow.src === src && old.flow.dscp === cfg.dscp) {
        this.index(old, sessions, byV4, v4Prefixes, v6, byV6);
        continue;
      }
      this.index(compileSession(s, sig, src, cfg.dscp, old), sessions, byV4, v4Prefixes, v6, byV6);
    }
    this.byV4 = byV4;
    this.v4Prefixes = v4Prefixes;
    this.v6 = v6;
    this.byV6 = byV6;
    const mc = new Map<string, Session>();
    for (const m of cfg.multicast ?? []) {
      const sess = sessions.get(m.key);
      if (!sess) throw new AgentError('invalid-value', `multicast: no session ${m.key}`);
      if (mc.has(m.tunnel) && mc.get(m.tunnel) !== sess) throw new AgentError('invalid-value', `multicast: tunnel ${m.tunnel} would carry the multicast of two sessions`);
      mc.set(m.tunnel, sess);
    }
    this.mcastByTunnel = mc;
    this.sessions = sessions;
  }

  /**
   * Adds or replaces one session (a CoA start) without rebuilding the table:
   * source address and DSCP as last configured. Counters of a replaced
   * session carry over. Throws, changing nothing, on a bad spec.
   */
  upsert(s: RelaySessionSpec): void {
    const old = this.sessions.get(s.key);
    const sig = `${s.interceptId}|${s.sessionId}|${s.medIp}|${s.medPort}|${s.addresses.join(',')}|${JSON.stringify(s.dropRules)}`;
    const sess = compileSession(s, sig, this.src, this.dscp, old);
    if (old) this.unindex(old);
    this.index(sess, this.sessions, this.byV4, this.v4Prefixes, this.v6, this.byV6);
    if (old) for (const [t, m] of this.mcastByTunnel) if (m === old) this.mcastByTunnel.set(t, sess);
  }

  /**
   * Replaces the multicast attribution only (RelayConfig.multicast): the
   * sessions' pool members changed (a move). Throws, changing nothing, on a
   * bad list.
   */
  setMulticast(list: { tunnel: string; key: string }[]): void {
    const mc = new Map<string, Session>();
    for (const m of list) {
      const sess = this.sessions.get(m.key);
      if (!sess) throw new AgentError('invalid-value', `multicast: no session ${m.key}`);
      if (mc.has(m.tunnel) && mc.get(m.tunnel) !== sess) throw new AgentError('invalid-value', `multicast: tunnel ${m.tunnel} would carry the multicast of two sessions`);
      mc.set(m.tunnel, sess);
    }
    this.mcastByTunnel = mc;
  }

  /** Removes one session (a CoA stop); its multicast attribution goes with it. */
  remove(key: string): void {
    const old = this.sessions.get(key);
    if (!old) return;
    this.unindex(old);
    this.sessions.delete(key);
    for (const [t, m] of this.mcastByTunnel) if (m === old) this.mcastByTunnel.delete(t);
  }

  /** Takes a session out of the lookup structures (not out of `sessions`). */
  private unindex(sess: Session): void {
    for (const p of sess.v4) if (p.masks[0] === 0xffffffff && this.byV4.get(p.words[0]) === sess) this.byV4.delete(p.words[0]);
    if (this.v4Prefixes.includes(sess)) this.v4Prefixes = this.v4Prefixes.filter((x) => x !== sess);
    for (const p of sess.v6) {
      if (p.masks[1] !== 0xffffffff) continue;
      const m = this.byV6.get(p.words[0]);
      const l = m?.get(p.words[1]);
      if (!m || !l) continue;
      const rest = l.filter((x) => x !== sess);
      if (rest.length) m.set(p.words[1], rest);
      else {
        m.delete(p.words[1]);
        if (!m.size) this.byV6.delete(p.words[0]);
      }
    }
    if (this.v6.includes(sess)) this.v6 = this.v6.filter((x) => x !== sess);
  }

  private index(sess: Session, sessions: Map<string, Session>, byV4: Map<number, Session>, v4Prefixes: Session[], v6: Session[], byV6: Map<number, Map<number, Session[]>>): void {
    sessions.set(sess.key, sess);
    let prefixed = false;
    for (const p of sess.v4) {
      if (p.masks[0] === 0xffffffff) byV4.set(p.words[0], sess);
      else prefixed = true;
    }
    if (prefixed) v4Prefixes.push(sess);
    let short = false;
    for (const p of sess.v6) {
      if (p.masks[1] !== 0xffffffff) {
        short = true;
        continue;
      }
      let m = byV6.get(p.words[0]);
      if (!m) byV6.set(p.words[0], (m = new Map()));
      const l = m.get(p.words[1]);
      if (!l) m.set(p.words[1], [sess]);
      else if (!l.includes(sess)) l.push(sess);
    }
    if (short) v6.push(sess);
  }

  private findV6(b: Buffer, off: number): Session | undefined {
    const l = this.byV6.get(b.readUInt32BE(off))?.get(b.readUInt32BE(off + 4));
    if (l) for (let i = 0; i < l.length; i++) for (const p of l[i].v6) if (inPrefix(p, b, off)) return l[i];
    return undefined;
  }

  counters(key: string): SessionCounters | undefined {
    const s = this.sessions.get(key);
    return s ? { ...s.counters } : undefined;
  }

  /** Starts reading the named TUN devices and stops reading the others. */
  setTunnels(names: string[], openTun: (name: string) => number, opts: { deferClose?: boolean } = {}): void {
    for (const [name, r] of this.readers) if (!names.includes(name)) this.stopReader(r, opts.deferClose);
    for (const name of names) {
      if (this.readers.has(name)) continue;
      const fd = openTun(name);
      const r: Reader = { name, fd, poll: undefined };
      r.poll = native().pollStart(fd, () => this.drain(r));
      this.readers.set(name, r);
    }
  }

  /**
   * Stops reading a member. With deferClose the descriptor is closed on the
   * thread pool: closing the last descriptor of a TUN device waits for an RCU
   * grace period in the kernel (tens of ms), which on the event loop would
   * stall the relay of every other member right when a failed member's
   * sessions move to them (the device cannot be attached again until it is
   * closed, so only for members that failed).
   */
  private stopReader(r: Reader, deferClose = false): void {
    native().pollStop(r.poll);
    if (deferClose) fs.close(r.fd, () => undefined);
    else native().close(r.fd);
    this.readers.delete(r.name);
  }

  close(): void {
    for (const r of [...this.readers.values()]) this.stopReader(r);
    native().close(this.raw);
  }

  private find(b: Buffer, off: number, len: number): Session | undefined {
    const v = b[off] >> 4;
    if (v === 4 && len >= 20) {
      const s = this.byV4.get(b.readUInt32BE(off + 12)) ?? this.byV4.get(b.readUInt32BE(off + 16));
      if (s) return s;
      for (const c of this.v4Prefixes) for (const p of c.v4) if (inPrefix(p, b, off + 12) || inPrefix(p, b, off + 16)) return c;
      return undefined;
    }
    if (v === 6 && len >= 40) {
      const s = this.findV6(b, off + 8) ?? this.findV6(b, off + 24);
      if (s) return s;
      for (const c of this.v6) for (const p of c.v6) if (inPrefix(p, b, off + 8) || inPrefix(p, b, off + 24)) return c;
    }
    return undefined;
  }

  /** Reads everything the device has, relays it. */
  private drain(r: Reader): void {
    for (;;) {
      let n: number;
      try {
        n = native().readBatch(r.fd, this.inBuf, this.inOffs, this.inLens);
      } catch {
        return;
      }
      if (n === 0) return;
      this.stats.received += n;
      const mc = this.mcastByTunnel.get(r.name);
      let k = 0;
      let o = 0;
      for (let i = 0; i < n; i++) {
        const off = this.inOffs[i];
        const len = this.inLens[i];
        const s = this.find(this.inBuf, off, len) ?? (mc && multicastDst(this.inBuf, off, len) ? mc : undefined);
        if (!s) {
          this.stats.unmatched++;
          continue;
        }
        let drop = false;
        for (let j = 0; j < s.rules.length; j++) if (ruleMatches(s.rules[j], this.inBuf, off, len)) {
          drop = true;
          break;
        }
        if (drop) {
          s.counters.policyDrops++;
          continue;
        }
        if (len + JMIRROR_HEADER_LEN > 0xffff) {
          this.stats.oversize++;
          continue;
        }
        if (o + JMIRROR_HEADER_LEN + len > this.outBuf.length) {
          this.flush(k);
          k = 0;
          o = 0;
        }
        this.ipId = (this.ipId + 1) & 0xffff;
        const total = encodeHeader(this.outBuf, o, s.flow, len, this.ipId, innerDscp(this.inBuf, off, len));
        this.inBuf.copy(this.outBuf, o + JMIRROR_HEADER_LEN, off, off + len);
        this.outOffs[k] = o;
        this.outLens[k] = total;
        this.outDsts[k] = s.flow.dst;
        k++;
        o += (total + 7) & ~7;
        s.counters.packets++;
        s.counters.bytes += len;
      }
      this.flush(k);
    }
  }

  private flush(k: number): void {
    if (k === 0) return;
    const sent = native().sendBatch(this.raw, this.outBuf, this.outOffs, this.outLens, this.outDsts, k);
    this.stats.sent += sent;
    if (sent < k) this.stats.sendFailures += k - sent;
  }
}
