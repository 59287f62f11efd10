/**
 * Selection in the kernel: clsact + u32 + mirred, through netlink.
 *
 * Everything the agent owns on a subscriber interface is at the reserved
 * priorities PRIO_V4 (protocol ip) and PRIO_V6 (protocol ipv6) under the
 * clsact ingress and egress hooks, and in the reserved u32 hash-table ids
 * 0x3fc..0x7ff; nothing else is ever touched. Ingress matches the source
 * address, egress the destination; every match is a terminal node whose
 * action is mirred egress mirror into the session's pool member.
 *
 * Selection cost does not depend on the number of mirrors: addresses are
 * found by two levels of u32 hashing (the kernel allows divisor <= 256 and
 * one byte-aligned hash mask per table, so 16 bits take two tables):
 *
 *   tp root (per hook and family)
 *     link node: hash on level-1 octet -> L1 table (256 buckets)
 *     linear entries: prefixes that are not hashed (see below), multicast
 *   L1 table, bucket b1
 *     link node (handle L1:b1:1): hash on level-2 octet -> L2 table of b1
 *   L2 table of b1, bucket b2
 *     entries whose address has level-1 octet b1 and level-2 octet b2
 *
 *   IPv4 /32:             level 1 = last octet, level 2 = third octet
 *   IPv6 /64 and longer:  level 1 = octet 7 (the last octet of the /64),
 *                         level 2 = octet 6
 *   shorter prefixes (IPv4 /0-/31, IPv6 /0-/63) are matched linearly in the
 *   root (one node each; at most 4,095 per hook and family).
 *
 * A packet visits at most: root link, L1 link, the entries of one L2 bucket
 * (those sharing 16 bits of address, normally 0 or 1), then the linear root
 * entries. Tables are created when their first entry arrives and deleted
 * when their last one goes.
 *
 * Table ids (12 bits) are allocated per family and direction, because under
 * clsact the ingress and egress u32 instances share one hash-table handle
 * space (and a dump of either hook lists the tables of both):
 *   slot = (IPv6 ? 2 : 0) + (egress ? 1 : 0)
 *   L1 = 0x3fc + slot, L2 of bucket b1 = 0x400 + 256 * slot + b1
 * They stay below 0x800, the start of the ids the kernel gives the tp roots.
 *
 * Changes go to the kernel as pipelined netlink requests (many in flight on
 * one socket, acknowledged in order), so tens of thousands of filters
 * install in seconds.
 *
 * Shared actions: an entry's mirred action is normally one of the agent's
 * shared actions in the kernel's action table (mirror groups), at the
 * reserved indexes ACT_INDEX_BASE .. ACT_INDEX_BASE + ACT_GROUPS - 1; the
 * entry binds to it by index. Re-pointing one action (RTM_NEWACTION with
 * NLM_F_REPLACE) moves every entry bound to it to another pool member at
 * once, so moving the sessions of a failed member costs a request per group,
 * not one per filter. An entry without a group carries its own action (index
 * given by the kernel, outside the reserved range). Actions outside the
 * reserved range are never touched.
 */

import { AgentError } from '../errors';
import {
  attr, attrString, listAttrs, nested, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, parseAttrs, RTM_DELTFILTER, RTM_GETQDISC, RTM_GETTFILTER, RTM_NEWQDISC,
  RTM_DELQDISC, RTM_NEWTFILTER, KernelError, Rtnl, strattr, u32attr,
} from './rtnl';
import { createNetlink, NetlinkSocket } from 'netlink';
import { native } from './native';

export const TC_H_CLSACT = 0xfffffff1;
export const PARENT_INGRESS = 0xfffffff2;
export const PARENT_EGRESS = 0xfffffff3;
export const PRIO_V4 = 0xf100;
export const PRIO_V6 = 0xf101;
const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
const HASH_DIVISOR = 256;

const TCA_KIND = 1;
const TCA_OPTIONS = 2;
const TCA_U32_HASH = 2;
const TCA_U32_LINK = 3;
const TCA_U32_DIVISOR = 4;
const TCA_U32_SEL = 5;
const TCA_U32_ACT = 7;
const TCA_ACT_KIND = 1;
const TCA_ACT_OPTIONS = 2;
const TCA_MIRRED_PARMS = 2;
const TC_ACT_PIPE = 3;
const TCA_EGRESS_MIRROR = 2;
const TC_U32_TERMINAL = 1;

export type Direction = 'ingress' | 'egress';

/** The reserved mirred action indexes (mirror groups): ACT_INDEX_BASE + group, group < ACT_GROUPS. */
export const ACT_INDEX_BASE = 0x7f100000;
export const ACT_GROUPS = 4096;
/** The shared action index of a mirror group. */
export const groupAction = (group: number): number => ACT_INDEX_BASE + group;
/** Is this action index one of the agent's (reserved)? */
export const ownedAction = (index: number | undefined): boolean => index !== undefined && index >= ACT_INDEX_BASE && index < ACT_INDEX_BASE + ACT_GROUPS;

/** An address prefix, IPv4 or IPv6. */
export interface Prefix {
  family: 4 | 6;
  /** 4 or 16 octets, host bits zero */
  addr: Buffer;
  len: number;
}

/** Parsed prefixes by text (mirrors are re-stated on every reconcile); shared, never mutated. */
const prefixMemo = new Map<string, Prefix>();

export function parsePrefix(s: string): Prefix {
  const hit = typeof s === 'string' ? prefixMemo.get(s) : undefined;
  if (hit) return hit;
  const p = parsePrefixText(s);
  if (prefixMemo.size >= 1 << 19) prefixMemo.clear();
  prefixMemo.set(s, p);
  return p;
}

function parsePrefixText(s: string): Prefix {
  const bad = (): never => {
    throw new AgentError('invalid-value', `not an IP address or prefix: ${JSON.stringify(s)}`);
  };
  if (typeof s !== 'string') bad();
  const [a, l, extra] = s.split('/');
  if (extra !== undefined) bad();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const net = require('net') as typeof import('net');
  const fam = net.isIPv4(a) ? 4 : net.isIPv6(a) ? 6 : bad();
  const max = fam === 4 ? 32 : 128;
  const len = l === undefined ? max : /^\d{1,3}$/.test(l) && Number(l) <= max ? Number(l) : bad();
  const addr = fam === 4 ? Buffer.from(a.split('.').map(Number)) : ipv6Bytes(a);
  for (let i = 0; i < addr.length; i++) {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    addr[i] &= (0xff << (8 - keep)) & 0xff;
  }
  return { family: fam as 4 | 6, addr, len };
}

function ipv6Bytes(a: string): Buffer {
  let s = a;
  const out = Buffer.alloc(16);
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1].split('.').map(Number);
    s = s.slice(0, -v4[1].length) + ((b[0] << 8) | b[1]).toString(16) + ':' + ((b[2] << 8) | b[3]).toString(16);
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const words = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  words.forEach((w, i) => out.writeUInt16BE(parseInt(w, 16), i * 2));
  return out;
}

export function prefixString(p: Prefix): string {
  if (p.family === 4) return `${[...p.addr].join('.')}/${p.len}`;
  const w: string[] = [];
  for (let i = 0; i < 16; i += 2) w.push(p.addr.readUInt16BE(i).toString(16));
  return `${w.join(':')}/${p.len}`;
}

/** One mirror filter wanted on an interface. */
export interface WantedFilter {
  dir: Direction;
  prefix: Prefix;
  /** the pool member (a new shared action is created pointing there if the kernel has none at `action`) */
  tunIfindex: number;
  /** shared action index (groupAction) to bind to; undefined: the entry carries its own action */
  action?: number;
}

/** Does the installed entry send where the wanted one should (same shared action, or its own action to the same member)? */
export const sameTarget = (f: { action?: number; tunIfindex?: number }, w: { action?: number; tunIfindex?: number }): boolean =>
  w.action !== undefined ? f.action === w.action : !ownedAction(f.action) && f.tunIfindex === w.tunIfindex;

export type InstalledKind = 'hashtable' | 'link' | 'entry' | 'other';

export interface InstalledFilter {
  parent: number;
  dir: Direction;
  prio: number;
  protocol: number;
  handle: number;
  kind: InstalledKind;
  divisor?: number;
  linkTo?: number;
  hoff?: number;
  hmask?: number;
  prefix?: Prefix;
  tunIfindex?: number;
  /** index of the entry's mirred action (a reserved one: a shared group action) */
  action?: number;
}



export const HT_L1_BASE = 0x3fc;
export const HT_L2_BASE = 0x400;
export const HT_LAST = 0x7ff;

const slotOf = (family: 4 | 6, dir: Direction): number => (family === 6 ? 2 : 0) + (dir === 'egress' ? 1 : 0);
const slotFamily = (slot: number): 4 | 6 => (slot & 2 ? 6 : 4);
const slotDir = (slot: number): Direction => (slot & 1 ? 'egress' : 'ingress');
export const htL1 = (family: 4 | 6, dir: Direction): number => HT_L1_BASE + slotOf(family, dir);
export const htL2 = (family: 4 | 6, dir: Direction, b1: number): number => HT_L2_BASE + 256 * slotOf(family, dir) + b1;

/** What a reserved table id stands for. */
export function tableInfo(htid: number): { family: 4 | 6; dir: Direction; level: 1 | 2; b1?: number } | undefined {
  if (htid >= HT_L1_BASE && htid < HT_L2_BASE) {
    const s = htid - HT_L1_BASE;
    return { family: slotFamily(s), dir: slotDir(s), level: 1 };
  }
  if (htid >= HT_L2_BASE && htid <= HT_LAST) {
    const s = (htid - HT_L2_BASE) >> 8;
    return { family: slotFamily(s), dir: slotDir(s), level: 2, b1: (htid - HT_L2_BASE) & 0xff };
  }
  return undefined;
}

const htidOf = (handle: number): number => handle >>> 20;
const bucketOf = (handle: number): number => (handle >>> 12) & 0xff;
const nodeOf = (handle: number): number => handle & 0xfff;
const mkHandle = (htid: number, bucket: number, node: number): number => ((htid << 20) | (bucket << 12) | node) >>> 0;

function addrOffset(family: 4 | 6, dir: Direction): number {
  if (family === 4) return dir === 'ingress' ? 12 : 16;
  return dir === 'ingress' ? 8 : 24;
}

/** Hash key of a level: the 32-bit word at hoff, masked with hmask (one octet). */
function hashSpec(family: 4 | 6, dir: Direction, level: 1 | 2): { hoff: number; hmask: number } {
  const hoff = addrOffset(family, dir) + (family === 6 ? 4 : 0);
  return { hoff, hmask: level === 1 ? 0x000000ff : 0x0000ff00 };
}

/** Is the prefix found by hashing (else: linear in the root)? */
export function hashed(p: Prefix): boolean {
  return p.family === 4 ? p.len === 32 : p.len >= 64;
}

function buckets(p: Prefix): [number, number] {
  return p.family === 4 ? [p.addr[3], p.addr[2]] : [p.addr[7], p.addr[6]];
}

function prefixKeys(p: Prefix, dir: Direction): Key[] {
  const base = addrOffset(p.family, dir);
  const keys: Key[] = [];
  for (let w = 0; w * 32 < p.len; w++) {
    const bits = Math.min(32, p.len - w * 32);
    const mask = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    keys.push({ mask, val: (p.addr.readUInt32BE(w * 4) & mask) >>> 0, off: base + w * 4 });
  }
  if (keys.length === 0) keys.push({ mask: 0, val: 0, off: base }); // a /0 matches everything
  return keys;
}

const swap16 = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);

function tcmsg(ifindex: number, handle: number, parent: number, prio: number, protocol: number): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 0;
  b.writeInt32LE(ifindex, 4);
  b.writeUInt32LE(handle >>> 0, 8);
  b.writeUInt32LE(parent >>> 0, 12);
  b.writeUInt32LE(((prio << 16) | swap16(protocol)) >>> 0, 16);
  return b;
}

interface Key {
  mask: number;
  val: number;
  off: number;
}

function sel(keys: Key[], flags: number, hoff = 0, hmask = 0): Buffer {
  const b = Buffer.alloc(16 + 16 * keys.length);
  b[0] = flags;
  b[1] = 0;
  b[2] = keys.length;
  b.writeUInt16BE(0, 4); // offmask
  b.writeUInt16LE(0, 6); // off
  b.writeInt16LE(0, 8); // offoff
  b.writeInt16LE(hoff, 10);
  b.writeUInt32BE(hmask >>> 0, 12);
  keys.forEach((k, i) => {
    const o = 16 + 16 * i;
    b.writeUInt32BE(k.mask >>> 0, o);
    b.writeUInt32BE(k.val >>> 0, o + 4);
    b.writeInt32LE(k.off, o + 8);
    b.writeInt32LE(0, o + 12);
  });
  return b;
}

function parseSel(b: Buffer): { flags: number; keys: Key[]; hoff: number; hmask: number } {
  const n = b[2];
  const keys: Key[] = [];
  for (let i = 0; i < n && 16 + 16 * i + 16 <= b.length; i++) {
    const o = 16 + 16 * i;
    keys.push({ mask: b.readUInt32BE(o), val: b.readUInt32BE(o + 4), off: b.readInt32LE(o + 8) });
  }
  return { flags: b[0], keys, hoff: b.readInt16LE(10), hmask: b.readUInt32BE(12) };
}

/** tc_mirred: tc_gen (index, capab, action, refcnt, bindcnt), eaction, ifindex. */
function mirredParms(tunIfindex: number, index: number): Buffer {
  const parms = Buffer.alloc(28);
  parms.writeUInt32LE(index >>> 0, 0); // 0: the kernel allocates
  parms.writeInt32LE(TC_ACT_PIPE, 8);
  parms.writeInt32LE(TCA_EGRESS_MIRROR, 20);
  parms.writeUInt32LE(tunIfindex, 24);
  return parms;
}

/**
 * The u32 action list of an entry: mirred to the member. With a shared
 * index, the kernel binds the entry to that action when it exists (the
 * parameters are then ignored) and creates it otherwise.
 */
function mirredAction(tunIfindex: number, index = 0): Buffer {
  return nested(TCA_U32_ACT, [nested(1, [strattr(TCA_ACT_KIND, 'mirred'), nested(TCA_ACT_OPTIONS, [attr(TCA_MIRRED_PARMS, mirredParms(tunIfindex, index))])])]);
}

function keysPrefix(family: 4 | 6, keys: Key[]): { prefix: Prefix; dir: Direction } | undefined {
  if (keys.length === 0) return undefined;
  const size = family === 4 ? 4 : 16;
  const base = keys[0].off - ((keys[0].off - (family === 4 ? 12 : 8)) % (size === 4 ? 4 : 16));
  const srcBase = family === 4 ? 12 : 8;
  const dstBase = family === 4 ? 16 : 24;
  const dir: Direction | undefined = keys.every((k) => k.off >= srcBase && k.off < srcBase + size) ? 'ingress'
    : keys.every((k) => k.off >= dstBase && k.off < dstBase + size) ? 'egress' : undefined;
  if (!dir || base < 0) return undefined;
  const b0 = dir === 'ingress' ? srcBase : dstBase;
  const addr = Buffer.alloc(size);
  let len = 0;
  for (const k of keys) {
    const w = (k.off - b0) / 4;
    if (!Number.isInteger(w)) return undefined;
    addr.writeUInt32BE(k.val >>> 0, w * 4);
    let m = k.mask >>> 0;
    while (m & 0x80000000) {
      len++;
      m = (m << 1) >>> 0;
    }
  }
  return { prefix: { family, addr, len }, dir };
}

const prefixKey = (p: Prefix): string => prefixString(p);
/** Identity of an entry: a number for IPv4 (direction, length, address), text for IPv6. */
const entryKey = (dir: Direction, p: Prefix): string | number =>
  p.family === 4 ? ((dir === 'egress' ? 64 : 0) + p.len) * 0x100000000 + p.addr.readUInt32BE(0) : `${dir}|${prefixKey(p)}`;

export function parseFilterMsg(data: Buffer): InstalledFilter | undefined {
  const handle = data.readUInt32LE(8);
  const parent = data.readUInt32LE(12);
  const info = data.readUInt32LE(16);
  const prio = info >>> 16;
  const protocol = swap16(info & 0xffff);
  const a = parseAttrs(data.subarray(20));
  const dir: Direction = parent === PARENT_EGRESS ? 'egress' : 'ingress';
  const base: InstalledFilter = { parent, dir, prio, protocol, handle, kind: 'other' };
  if (attrString(a.get(TCA_KIND)) !== 'u32') return base;
  const opts = a.get(TCA_OPTIONS);
  if (!opts) return base; // the per-priority header message
  const o = parseAttrs(opts);
  // Under clsact both hooks share the u32 hash tables, and a dump of either
  // hook lists both: the direction comes from the content, never the parent.
  const withDir = (f: InstalledFilter, d: Direction | undefined): InstalledFilter =>
    d ? { ...f, dir: d, parent: d === 'egress' ? PARENT_EGRESS : PARENT_INGRESS } : f;
  const div = o.get(TCA_U32_DIVISOR);
  if (div) return withDir({ ...base, kind: 'hashtable', divisor: div.readUInt32LE(0) }, tableInfo(htidOf(handle))?.dir);
  const s = o.get(TCA_U32_SEL);
  const link = o.get(TCA_U32_LINK);
  if (link) {
    const ps = s ? parseSel(s) : undefined;
    const linkTo = link.readUInt32LE(0);
    return withDir({ ...base, kind: 'link', linkTo, hoff: ps?.hoff ?? 0, hmask: ps?.hmask ?? 0 }, tableInfo(htidOf(linkTo))?.dir);
  }
  if (!s) return base;
  const family: 4 | 6 = protocol === ETH_P_IPV6 ? 6 : 4;
  const kp = keysPrefix(family, parseSel(s).keys);
  let tunIfindex: number | undefined;
  let action: number | undefined;
  const act = o.get(TCA_U32_ACT);
  if (act) {
    for (const one of listAttrs(act)) {
      const aa = parseAttrs(one.data);
      if (attrString(aa.get(TCA_ACT_KIND)) !== 'mirred') continue;
      const ao = aa.get(TCA_ACT_OPTIONS);
      const parms = ao ? parseAttrs(ao).get(TCA_MIRRED_PARMS) : undefined;
      if (parms && parms.length >= 28) {
        action = parms.readUInt32LE(0);
        tunIfindex = parms.readUInt32LE(24);
      }
    }
  }
  if (!kp) return base;
  return withDir({ ...base, kind: 'entry', prefix: kp.prefix, tunIfindex, action }, kp.dir);
}

/** Is this installed object one of the agent's? */
export const owned = (f: InstalledFilter): boolean =>
  (f.parent === PARENT_INGRESS || f.parent === PARENT_EGRESS) && (f.prio === PRIO_V4 || f.prio === PRIO_V6);

export async function hasClsact(nl: Rtnl, ifindex: number): Promise<boolean> {
  const msgs = await nl.dump('list qdiscs', RTM_GETQDISC, tcmsg(ifindex, 0, 0, 0, 0));
  return msgs.some((m) => m.data.readInt32LE(4) === ifindex && m.data.readUInt32LE(12) === TC_H_CLSACT && attrString(parseAttrs(m.data.subarray(20)).get(TCA_KIND)) === 'clsact');
}

export async function ensureClsact(nl: Rtnl, ifindex: number, name: string): Promise<void> {
  if (await hasClsact(nl, ifindex)) return;
  await nl.exec(`add clsact qdisc on ${name}`, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, Buffer.concat([tcmsg(ifindex, 0xffff0000, TC_H_CLSACT, 0, 0), strattr(TCA_KIND, 'clsact')]));
}

/**
 * All filters on the interface's clsact hooks (both directions). The ingress
 * dump lists the shared tables and the egress root's nodes too, so the
 * egress hook is dumped only when it has a priority the ingress hook lacks.
 */
export async function dumpFilters(nl: Rtnl, ifindex: number): Promise<InstalledFilter[]> {
  const out: InstalledFilter[] = [];
  const seen = new Set<string>();
  const ingressPrios = new Set<number>();
  for (const parent of [PARENT_INGRESS, PARENT_EGRESS]) {
    if (parent === PARENT_EGRESS && ingressPrios.has(PRIO_V4) && ingressPrios.has(PRIO_V6)) break;
    const msgs = await nl.dump('list filters', RTM_GETTFILTER, tcmsg(ifindex, 0, parent, 0, 0));
    for (const m of msgs) {
      if (m.data.readInt32LE(4) !== ifindex) continue;
      const f = parseFilterMsg(m.data);
      if (!f) continue;
      if (parent === PARENT_INGRESS && f.handle === 0) ingressPrios.add(f.prio);
      const id = `${f.prio}/${f.protocol}/${f.handle}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(f);
    }
  }
  return out;
}

export interface ReconcileStats {
  added: number;
  changed: number;
  removed: number;
  /** hash tables and link nodes created and deleted */
  tablesAdded: number;
  tablesRemoved: number;
  /** the kernel was asked (dumped) rather than the image of the last reconcile used */
  dumped: boolean;
}

/**
 * The image of the agent's objects after the last successful reconcile of each
 * interface, so that a reconcile (every CoA) costs the difference rather than a
 * dump of every filter. Dropped on any failure, and by forgetInstalled() (link
 * events, restarts): the next reconcile then reads the kernel again.
 */
interface Image {
  /** the objects, in no particular order (a Set: an incremental change adds and deletes in O(1)) */
  filters: Set<InstalledFilter>;
  /** lookup structures for incremental changes, built on first use and kept up to date by them */
  index?: ImageIndex;
}

interface ImageIndex {
  /** entries by entryKey() */
  entries: Map<string | number, InstalledFilter>;
  /** reserved hash tables (L1, L2) by table id */
  tables: Map<number, InstalledFilter>;
  /** link nodes: `root|<L1 id>` and `l1|<L2 id>` */
  links: Map<string, InstalledFilter>;
  /** tp root table id per slot */
  roots: Map<number, number>;
  /** handles of entries */
  used: Set<number>;
}

const images = new WeakMap<Rtnl, Map<number, Image>>();
function imagesOf(nl: Rtnl): Map<number, Image> {
  let m = images.get(nl);
  if (!m) images.set(nl, (m = new Map()));
  return m;
}

/**
 * Keeps the images honest: a socket in the rtnetlink TC group hears every
 * qdisc and filter change on the machine's namespace; a change made by
 * anyone but this agent's request socket (another port) drops the image of
 * that interface. The agent's own changes are filtered out in the kernel (a
 * socket filter on nlmsg_pid, native addon), so its bulk changes cost the
 * watch nothing; a foreign flood that overflows the socket loses
 * notifications silently (NETLINK_NO_ENOBUFS).
 */
interface Watch {
  /** undefined: no watch possible (the images are then trusted until a link event or restart) */
  sock?: NetlinkSocket;
}
const watches = new WeakMap<Rtnl, Watch>();

function watch(nl: Rtnl): Watch {
  let w = watches.get(nl);
  if (w) return w;
  const sock = createNetlink(0 /* NETLINK_ROUTE */, { ref: false, recvBufferSize: 1 << 20 } as never);
  const port = nl.sock.address().port;
  // The netlink package aborts the process on a receive overflow (ENOBUFS): the
  // socket must never report one, and the agent's own changes never reach it.
  let quiet = false;
  try {
    quiet = native().netlinkQuietWatch(sock.address().port, port);
  } catch {
    /* addon without it */
  }
  if (!quiet) {
    sock.close();
    const none: Watch = { sock: undefined };
    watches.set(nl, none);
    return none;
  }
  sock.addMembership(4 /* RTNLGRP_TC */);
  const watchNow: Watch = { sock };
  sock.on('message', (msgs) => {
    for (const m of msgs) {
      if (m.port === port || m.data.length < 8) continue;
      if (m.type === RTM_NEWTFILTER || m.type === RTM_DELTFILTER || m.type === RTM_NEWQDISC || m.type === RTM_DELQDISC) forgetInstalled(nl, m.data.readInt32LE(4));
      else if (m.type === RTM_NEWACTION || m.type === RTM_DELACTION) actionChanges.set(nl, actionGeneration(nl) + 1);
    }
  });
  sock.on('error', () => {
    forgetInstalled(nl);
    actionChanges.set(nl, actionGeneration(nl) + 1);
  });
  watches.set(nl, (w = watchNow));
  return w;
}

/** Stops hearing TC changes for this socket's images (Dataplane.close). */
export function unwatch(nl: Rtnl): void {
  const w = watches.get(nl);
  if (!w) return;
  watches.delete(nl);
  images.delete(nl);
  try {
    w.sock?.close();
  } catch {
    /* closed */
  }
}

/** Forgets the image of one interface (or all): the next reconcile dumps. */
export function forgetInstalled(nl: Rtnl, ifindex?: number): void {
  if (ifindex === undefined) {
    forgottenAll++;
    images.delete(nl);
  } else {
    forgotten.set(ifindex, (forgotten.get(ifindex) ?? 0) + 1);
    images.get(nl)?.delete(ifindex);
  }
}
/** forgets counted, so that a reconcile does not store an image that a change made stale while it ran */
let forgottenAll = 0;
const forgotten = new Map<number, number>();
const generationOf = (ifindex: number): string => `${forgottenAll}/${forgotten.get(ifindex) ?? 0}`;

export interface Req {
  what: string;
  type: number;
  flags: number;
  payload: Buffer;
}

/** Messages per datagram, and datagrams in flight. */
const PER_DATAGRAM = 128;
const MAX_DATAGRAM = 60000;
const IN_FLIGHT = 8;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
let batchSeq = 0x40000000;

/** A request of the agent's own batches: the next sequence number and its netlink header (nlmsghdr). */
function requestHeader(type: number, flags: number, payloadLength: number): { seq: number; header: Buffer } {
  const seq = (batchSeq = batchSeq >= 0x7fffffff ? 0x40000000 : batchSeq + 1);
  const header = Buffer.alloc(16);
  header.writeUInt32LE(16 + payloadLength, 0);
  header.writeUInt16LE(type, 4);
  header.writeUInt16LE(flags | NLM_F_REQUEST, 6);
  header.writeUInt32LE(seq, 8);
  return { seq, header };
}

type MessageListener = (msgs: { type: number; flags: number; seq: number; data: Buffer }[]) => void;
/** The netlink package's socket, for requests it does not model: several per datagram, answers that carry NLM_F_REQUEST. */
const rawSock = (nl: Rtnl): { on(ev: 'message', f: MessageListener): void; off(ev: 'message', f: MessageListener): void; socket: { send(b: Buffer, o: object, cb: (e?: Error) => void): void } } =>
  nl.sock as never;

type RawSock = ReturnType<typeof rawSock>;

/**
 * Sends one datagram of requests (`parts`, headers and payloads); resolves
 * once the answer to `lastSeq` (the ACK asked for on the last request) is
 * settled by the caller's listener, see settle().
 */
function sendAwaiting(sock: RawSock, parts: Buffer[], lastSeq: number, pending: Map<number, () => void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    pending.set(lastSeq, resolve);
    sock.socket.send(Buffer.concat(parts), {}, (e) => {
      if (e) {
        pending.delete(lastSeq);
        reject(e);
      }
    });
  });
}

/**
 * Sends datagrams (`sendOne`, each resolving once answered) in IN_FLIGHT
 * lanes while `more()`, with `onMessage` reading the answers meanwhile.
 */
async function pipelined(sock: RawSock, onMessage: MessageListener, more: () => boolean, sendOne: () => Promise<void>): Promise<void> {
  sock.on('message', onMessage);
  try {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (more()) await sendOne();
      }),
    );
  } finally {
    sock.off('message', onMessage);
  }
}

/** The answer to `seq` arrived: the datagram that waited for it is done. */
function settle(pending: Map<number, () => void>, seq: number): void {
  const done = pending.get(seq);
  if (done) {
    pending.delete(seq);
    done();
  }
}


/** nlmsgerr payload: int error; the request's header (and payload unless capped); TLVs. */
function kernelError(what: string, data: Buffer, flags: number): KernelError | undefined {
  const err = data.readInt32LE(0);
  if (err === 0) return undefined;
  let message: string | undefined;
  if (flags & 0x200 /* NLM_F_ACK_TLVS */) {
    const o = flags & 0x100 /* NLM_F_CAPPED */ ? 4 + 16 : 4 + data.readUInt32LE(4);
    message = attrString(parseAttrs(data.subarray((o + 3) & ~3)).get(1 /* NLMSGERR_ATTR_MSG */));
  }
  return new KernelError(what, err, message);
}

/**
 * Sends the requests in order, many per datagram: only the last message of a
 * datagram asks for an ACK (the kernel reports a refusal of any message
 * anyway, and handles a datagram's messages in order), with a few datagrams
 * in flight. Stops sending at the first refusal and throws it once the
 * datagrams in flight are answered. With retryBusy, EBUSY refusals are tried
 * again for a while (a u32 table stays referenced until the kernel's deferred
 * release of the link node that pointed at it).
 */
export async function execAll(nl: Rtnl, reqs: Req[], retryBusy = false): Promise<void> {
  if (!reqs.length) return;
  const busy: Req[] = [];
  let failure: KernelError | undefined;
  const bySeq = new Map<number, Req>();
  const pending = new Map<number, () => void>();
  const onMessage: MessageListener = (msgs) => {
    for (const m of msgs) {
      if (m.type !== NLMSG_ERROR) continue;
      const r = bySeq.get(m.seq);
      if (!r) continue;
      const e = kernelError(r.what, m.data, m.flags);
      if (e) {
        if (retryBusy && e.code === 'EBUSY') busy.push(r);
        else failure ??= e;
      }
      bySeq.delete(m.seq);
      settle(pending, m.seq);
    }
  };
  const sock = rawSock(nl);
  let next = 0;
  const sendOne = (): Promise<void> => {
    const chunk: Req[] = [];
    let size = 0;
    while (next < reqs.length && chunk.length < PER_DATAGRAM && (chunk.length === 0 || size + 16 + reqs[next].payload.length <= MAX_DATAGRAM)) {
      chunk.push(reqs[next]);
      size += 16 + reqs[next++].payload.length;
    }
    const parts: Buffer[] = [];
    let lastSeq = 0;
    chunk.forEach((r, i) => {
      const { seq, header } = requestHeader(r.type, r.flags | (i === chunk.length - 1 ? NLM_F_ACK : 0), r.payload.length);
      parts.push(header, r.payload);
      bySeq.set(seq, r);
      lastSeq = seq;
    });
    return sendAwaiting(sock, parts, lastSeq, pending);
  };
  await pipelined(sock, onMessage, () => failure === undefined && next < reqs.length, sendOne);
  if (failure) throw failure;
  for (let attempt = 0; busy.length && attempt < 50; attempt++) {
    await new Promise((r) => setTimeout(r, 10));
    const again = busy.splice(0);
    for (const r of again) {
      try {
        await nl.exec(r.what, r.type, r.flags, r.payload);
      } catch (e) {
        if ((e as { code?: string }).code === 'EBUSY') busy.push(r);
        else throw e;
      }
    }
  }
  if (busy.length) await nl.exec(busy[0].what, busy[0].type, busy[0].flags, busy[0].payload);
}

/** TCA_U32_HASH value that means "the root table of the tp the request goes to" */
const TC_U32_ROOT = 0xfff00000;
const ROOT_LINK_NODE = 1;
const ROOT_ENTRY_NODES = 0x800;

/**
 * The id of the root table of one tp (asked with the handle TC_U32_ROOT). The
 * kernel's answer carries the request's flags (NLM_F_REQUEST among them), so
 * it is taken from the socket's messages by sequence number.
 */
async function rootTable(nl: Rtnl, ifindex: number, name: string, family: 4 | 6, dir: Direction): Promise<number> {
  const what = `get u32 root table on ${name} ${dir}`;
  const payload = tcmsg(ifindex, TC_U32_ROOT, parentOf(dir), prioOf(family), protoOf(family));
  const { seq, header: h } = requestHeader(RTM_GETTFILTER, NLM_F_ACK, payload.length);
  const sock = rawSock(nl);
  let handle: number | undefined;
  let onMessage: MessageListener = () => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onMessage = (msgs) => {
        for (const m of msgs) {
          if (m.seq !== seq) continue;
          if (m.type === RTM_NEWTFILTER) handle = htidOf(m.data.readUInt32LE(8));
          if (m.type === NLMSG_ERROR) {
            const e = kernelError(what, m.data, m.flags);
            if (e) reject(e);
            else resolve();
          }
        }
      };
      sock.on('message', onMessage);
      sock.socket.send(Buffer.concat([h, payload]), {}, (e) => e && reject(e));
    });
  } finally {
    sock.off('message', onMessage);
  }
  if (handle === undefined) throw new AgentError('operation-failed', `${what}: no answer`);
  return handle;
}

const parentOf = (dir: Direction): number => (dir === 'ingress' ? PARENT_INGRESS : PARENT_EGRESS);
const prioOf = (family: 4 | 6): number => (family === 4 ? PRIO_V4 : PRIO_V6);
const protoOf = (family: 4 | 6): number => (family === 4 ? ETH_P_IP : ETH_P_IPV6);

function tableReq(ifindex: number, name: string, htid: number): Req {
  const t = tableInfo(htid)!;
  return {
    what: `add u32 hash table ${htid.toString(16)}: on ${name} ${t.dir}`, type: RTM_NEWTFILTER, flags: NLM_F_CREATE | NLM_F_EXCL,
    payload: Buffer.concat([tcmsg(ifindex, (htid << 20) >>> 0, parentOf(t.dir), prioOf(t.family), protoOf(t.family)), strattr(TCA_KIND, 'u32'), nested(TCA_OPTIONS, [u32attr(TCA_U32_DIVISOR, HASH_DIVISOR)])]),
  };
}

/** A link node: in the tp root (level 1) or in bucket b1 of the L1 table (level 2). */
function linkReq(ifindex: number, name: string, family: 4 | 6, dir: Direction, level: 1 | 2, b1 = 0): Req {
  const { hoff, hmask } = hashSpec(family, dir, level);
  const to = level === 1 ? htL1(family, dir) : htL2(family, dir, b1);
  // node 1 of the tp's root (level 1), or of bucket b1 of the L1 table
  const handle = level === 1 ? ROOT_LINK_NODE : mkHandle(htL1(family, dir), b1, 1);
  const opts: Buffer[] = [u32attr(TCA_U32_HASH, level === 1 ? TC_U32_ROOT : mkHandle(htL1(family, dir), b1, 0))];
  opts.push(u32attr(TCA_U32_LINK, (to << 20) >>> 0), attr(TCA_U32_SEL, sel([{ mask: 0, val: 0, off: addrOffset(family, dir) }], 0, hoff, hmask)));
  return {
    what: `add u32 hash link to ${to.toString(16)}: on ${name} ${dir}`, type: RTM_NEWTFILTER, flags: NLM_F_CREATE | NLM_F_EXCL,
    payload: Buffer.concat([tcmsg(ifindex, handle, parentOf(dir), prioOf(family), protoOf(family)), strattr(TCA_KIND, 'u32'), nested(TCA_OPTIONS, opts)]),
  };
}

/** handle: the full handle, or (new root entry) a node id placed into the tp's root. */
function entryReq(ifindex: number, name: string, w: WantedFilter, handle: number, create: boolean): Req {
  const fam = w.prefix.family;
  const opts: Buffer[] = [u32attr(TCA_U32_HASH, handle >>> 20 ? (handle & 0xfffff000) >>> 0 : TC_U32_ROOT)];
  opts.push(attr(TCA_U32_SEL, sel(prefixKeys(w.prefix, w.dir), TC_U32_TERMINAL)));
  opts.push(mirredAction(w.tunIfindex, w.action));
  return {
    what: `${create ? 'add' : 'change'} mirror filter ${prefixString(w.prefix)} ${w.dir} on ${name}`, type: RTM_NEWTFILTER, flags: create ? NLM_F_CREATE | NLM_F_EXCL : 0,
    payload: Buffer.concat([tcmsg(ifindex, handle, parentOf(w.dir), prioOf(fam), protoOf(fam)), strattr(TCA_KIND, 'u32'), nested(TCA_OPTIONS, opts)]),
  };
}

function deleteReq(ifindex: number, name: string, f: InstalledFilter): Req {
  return {
    what: `delete filter ${f.handle.toString(16)} on ${name}`, type: RTM_DELTFILTER, flags: 0,
    payload: Buffer.concat([tcmsg(ifindex, f.handle, f.parent, f.prio, f.protocol), strattr(TCA_KIND, 'u32')]),
  };
}

/**
 * Makes the agent's filters on one interface equal to `wanted`: adds what is
 * missing, changes what points at another tunnel, removes what is no longer
 * wanted (and duplicates, and objects of an older layout), creating and
 * deleting hash tables and link nodes as entries need them. Returns what it did.
 */
export async function reconcileInterface(nl: Rtnl, ifindex: number, name: string, wanted: WantedFilter[], installedIn?: InstalledFilter[]): Promise<ReconcileStats> {
  const cached = !installedIn && imagesOf(nl).has(ifindex);
  try {
    return await reconcileOnce(nl, ifindex, name, wanted, installedIn);
  } catch (e) {
    // The kernel changed behind the image (someone else's tc, a lost race): read it and try once more.
    if (!cached) throw e;
    return reconcileOnce(nl, ifindex, name, wanted);
  }
}

async function reconcileOnce(nl: Rtnl, ifindex: number, name: string, wanted: WantedFilter[], installedIn?: InstalledFilter[]): Promise<ReconcileStats> {
  const cache = imagesOf(nl);
  const generation = generationOf(ifindex);
  const image = installedIn ? undefined : cache.get(ifindex);
  cache.delete(ifindex); // until this reconcile has succeeded
  const stats: ReconcileStats = { added: 0, changed: 0, removed: 0, tablesAdded: 0, tablesRemoved: 0, dumped: false };
  if (!image) await ensureClsact(nl, ifindex, name);
  if (!image && !installedIn) stats.dumped = true;
  const installed = image ? [...image.filters] : (installedIn ?? (await dumpFilters(nl, ifindex))).filter(owned);
  // the image of what will be installed (objects whose handle the kernel chooses make it incomplete)
  const next: InstalledFilter[] = [];

  // The wanted layout.
  const wantTables = new Set<number>();
  const slots: [4 | 6, Direction][] = [[4, 'ingress'], [4, 'egress'], [6, 'ingress'], [6, 'egress']];
  for (const [fam, dir] of slots) wantTables.add(htL1(fam, dir));
  const want = new Map<string | number, { w: WantedFilter; htid: number; bucket: number }>();
  for (const w of wanted) {
    if (hashed(w.prefix)) {
      const [b1, b2] = buckets(w.prefix);
      const htid = htL2(w.prefix.family, w.dir, b1);
      wantTables.add(htid);
      want.set(entryKey(w.dir, w.prefix), { w, htid, bucket: b2 });
    } else want.set(entryKey(w.dir, w.prefix), { w, htid: 0, bucket: 0 });
  }

  // What is there. Roots are the tp's own tables (divisor 1).
  const roots = new Set<number>();
  const haveTables = new Set<number>();
  const delTables: InstalledFilter[] = [];
  for (const f of installed) {
    if (f.kind !== 'hashtable') continue;
    const htid = htidOf(f.handle);
    if ((f.divisor ?? 1) <= 1 && !tableInfo(htid)) roots.add(htid);
    else if (wantTables.has(htid) && f.divisor === HASH_DIVISOR && !haveTables.has(htid)) haveTables.add(htid);
    else delTables.push(f);
  }
  const gone = new Set(delTables.map((f) => htidOf(f.handle)));
  const inGone = (f: InstalledFilter): boolean => gone.has(htidOf(f.handle));

  const delLinks: InstalledFilter[] = [];
  const haveLinks = new Set<string>();
  /** root table id of each (family, direction) slot, when known */
  const rootOf = new Map<number, number>();
  for (const f of installed) {
    if (f.kind !== 'link' || f.linkTo === undefined) continue;
    const to = tableInfo(htidOf(f.linkTo));
    const at = htidOf(f.handle);
    let key: string | undefined;
    if (to && !gone.has(htidOf(f.linkTo)) && wantTables.has(htidOf(f.linkTo))) {
      const spec = hashSpec(to.family, to.dir, to.level);
      const hashOk = f.hoff === spec.hoff && f.hmask === spec.hmask;
      if (to.level === 1 && roots.has(at) && hashOk) {
        key = `root|${htidOf(f.linkTo)}`;
        if (!haveLinks.has(key)) rootOf.set(slotOf(to.family, to.dir), at);
      }
      if (to.level === 2 && at === htL1(to.family, to.dir) && bucketOf(f.handle) === to.b1 && nodeOf(f.handle) === 1 && hashOk) key = `l1|${htidOf(f.linkTo)}`;
    }
    if (key && !haveLinks.has(key)) haveLinks.add(key);
    else if (!inGone(f)) delLinks.push(f);
  }

  const delEntries: InstalledFilter[] = [];
  const have = new Map<string | number, InstalledFilter>();
  const used = new Set<number>();
  for (const f of installed) {
    if (f.kind !== 'entry' || !f.prefix) continue;
    const k = entryKey(f.dir, f.prefix);
    const w = want.get(k);
    const at = htidOf(f.handle);
    const placed = w && (w.htid === 0 ? roots.has(at) : at === w.htid && bucketOf(f.handle) === w.bucket);
    if (!placed || have.has(k) || inGone(f)) {
      if (!inGone(f)) delEntries.push(f);
      stats.removed++;
      continue;
    }
    have.set(k, f);
    used.add(f.handle);
  }

  // Deletes first (entries, links, then the tables they referenced), then adds.
  await execAll(nl, delEntries.map((f) => deleteReq(ifindex, name, f)));
  await execAll(nl, delLinks.map((f) => deleteReq(ifindex, name, f)));
  // L1 tables last: their link nodes hold the L2 tables.
  delTables.sort((a, b) => (tableInfo(htidOf(a.handle))?.level === 1 ? 1 : 0) - (tableInfo(htidOf(b.handle))?.level === 1 ? 1 : 0));
  await execAll(nl, delTables.map((f) => deleteReq(ifindex, name, f)), true);
  stats.tablesRemoved += delTables.length + delLinks.length;

  const addTables = [...wantTables].filter((t) => !haveTables.has(t)).sort((a, b) => a - b);
  await execAll(nl, addTables.map((t) => tableReq(ifindex, name, t)));
  const addLinks: Req[] = [];
  for (const t of [...wantTables].sort((a, b) => a - b)) {
    const info = tableInfo(t)!;
    if (haveLinks.has(info.level === 1 ? `root|${t}` : `l1|${t}`)) continue;
    addLinks.push(linkReq(ifindex, name, info.family, info.dir, info.level, info.b1));
  }
  await execAll(nl, addLinks);
  stats.tablesAdded += addTables.length + addLinks.length;

  const puts: Req[] = [];
  /** new entries and their handles (a bare node id: in the tp's root) */
  const added: { w: WantedFilter; handle: number }[] = [];
  const changed = new Map<InstalledFilter, WantedFilter>();
  /** node ids taken by new root entries, per slot */
  const rootNodes = new Map<number, Set<number>>();
  let failure: unknown;
  want.forEach((w, k) => {
    if (failure) return;
    const f = have.get(k);
    if (f && sameTarget(f, w.w)) return;
    if (f) {
      puts.push(entryReq(ifindex, name, w.w, f.handle, false));
      changed.set(f, w.w);
      stats.changed++;
      return;
    }
    let handle = 0;
    if (!w.htid) {
      // a root entry: a free node id of the tp's root, after the root link
      const slot = slotOf(w.w.prefix.family, w.w.dir);
      const root = rootOf.get(slot) ?? 0;
      for (let n = ROOT_ENTRY_NODES; n <= 0xfff + ROOT_ENTRY_NODES - 2; n++) {
        const node = n > 0xfff ? n - 0xfff + 1 : n;
        if (!used.has(mkHandle(root, 0, node)) && !rootNodes.get(slot)?.has(node)) {
          handle = node;
          break;
        }
      }
      if (!handle) {
        failure = new AgentError('resource-denied', `no free u32 handle in the root table on ${name} (at most 4,094 unhashed prefixes per direction and family)`, { appTag: 'resources-unavailable' });
        return;
      }
      if (!rootNodes.has(slot)) rootNodes.set(slot, new Set());
      rootNodes.get(slot)!.add(handle);
    } else {
      for (let n = 1; n <= 0xfff; n++) {
        const h = mkHandle(w.htid, w.bucket, n);
        if (!used.has(h)) {
          handle = h;
          break;
        }
      }
      if (!handle) {
        failure = new AgentError('resource-denied', `no free u32 handle in table ${w.htid.toString(16)} bucket ${w.bucket} on ${name}`, { appTag: 'resources-unavailable' });
        return;
      }
      used.add(handle);
    }
    puts.push(entryReq(ifindex, name, w.w, handle, true));
    added.push({ w: w.w, handle });
    stats.added++;
  });
  if (failure) throw failure;
  await execAll(nl, puts);
  // Root ids of slots where something went into a root not known before.
  for (const [fam, dir] of slots) {
    const slot = slotOf(fam, dir);
    if (rootOf.has(slot)) continue;
    rootOf.set(slot, await rootTable(nl, ifindex, name, fam, dir));
  }

  // The image: what was kept, plus what was created with a known handle.
  const dropped = new Set<InstalledFilter>([...delEntries, ...delLinks, ...delTables]);
  for (const f of installed) {
    if (dropped.has(f) || (gone.size && f.kind !== 'hashtable' && inGone(f))) continue;
    const t = changed.get(f);
    next.push(t === undefined ? f : { ...f, tunIfindex: t.tunIfindex, action: t.action });
  }
  for (const t of addTables) {
    const i = tableInfo(t)!;
    next.push({ parent: parentOf(i.dir), dir: i.dir, prio: prioOf(i.family), protocol: protoOf(i.family), handle: (t << 20) >>> 0, kind: 'hashtable', divisor: HASH_DIVISOR });
  }
  for (const t of wantTables) {
    const i = tableInfo(t)!;
    if (haveLinks.has(i.level === 1 ? `root|${t}` : `l1|${t}`)) continue;
    const { hoff, hmask } = hashSpec(i.family, i.dir, i.level);
    const handle = i.level === 1 ? mkHandle(rootOf.get(slotOf(i.family, i.dir))!, 0, ROOT_LINK_NODE) : mkHandle(htL1(i.family, i.dir), i.b1!, 1);
    next.push({ parent: parentOf(i.dir), dir: i.dir, prio: prioOf(i.family), protocol: protoOf(i.family), handle, kind: 'link', linkTo: (t << 20) >>> 0, hoff, hmask });
  }
  for (const { w, handle } of added) {
    const fam = w.prefix.family;
    const h = handle >>> 20 ? handle : mkHandle(rootOf.get(slotOf(fam, w.dir))!, 0, handle);
    next.push({ parent: parentOf(w.dir), dir: w.dir, prio: prioOf(fam), protocol: protoOf(fam), handle: h, kind: 'entry', prefix: w.prefix, tunIfindex: w.tunIfindex, action: w.action });
  }
  // roots are part of the image (links and entries are placed by them)
  for (const [slot, r] of rootOf) {
    if (next.some((f) => f.kind === 'hashtable' && htidOf(f.handle) === r)) continue;
    const [fam, dir] = [slotFamily(slot), slotDir(slot)];
    next.push({ parent: parentOf(dir), dir, prio: prioOf(fam), protocol: protoOf(fam), handle: (r << 20) >>> 0, kind: 'hashtable', divisor: 1 });
  }
  watch(nl);
  if (generationOf(ifindex) === generation) {
    const image: Image = { filters: new Set(next) };
    indexImage(image); // now, so that the next CoA does not pay for it
    imagesOf(nl).set(ifindex, image);
  }
  return stats;
}

function indexImage(image: Image): ImageIndex {
  if (image.index) return image.index;
  const ix: ImageIndex = { entries: new Map(), tables: new Map(), links: new Map(), roots: new Map(), used: new Set() };
  for (const f of image.filters) {
    if (f.kind === 'hashtable') {
      if (tableInfo(htidOf(f.handle))) ix.tables.set(htidOf(f.handle), f);
    } else if (f.kind === 'link' && f.linkTo !== undefined) {
      const to = tableInfo(htidOf(f.linkTo));
      if (!to) continue;
      if (to.level === 1) {
        ix.links.set(`root|${htidOf(f.linkTo)}`, f);
        ix.roots.set(slotOf(to.family, to.dir), htidOf(f.handle));
      } else ix.links.set(`l1|${htidOf(f.linkTo)}`, f);
    } else if (f.kind === 'entry' && f.prefix) {
      ix.entries.set(entryKey(f.dir, f.prefix), f);
      ix.used.add(f.handle);
    }
  }
  return (image.index = ix);
}

/** One filter to set (tunIfindex) or remove (tunIfindex undefined). */
export interface FilterChange {
  dir: Direction;
  prefix: Prefix;
  tunIfindex?: number;
  /** shared action index to bind to (with tunIfindex) */
  action?: number;
}

/**
 * The incremental path (a CoA, a Stop): changes only the named entries on one
 * interface, against the image of the last reconcile, without looking at any
 * other mirror. Creates the L2 table and its link when an entry is the first
 * of its table; an L2 table emptied by a removal is left in place (empty, it
 * costs a lookup nothing) for the next full reconcile to delete. Returns
 * false, having changed nothing, when there is no image of the interface (the
 * caller reconciles it in full). On a refusal the image is dropped and the
 * error thrown: the caller puts the interface back by a full reconcile.
 */
export async function changeFilters(nl: Rtnl, ifindex: number, name: string, changes: FilterChange[]): Promise<boolean> {
  const cache = imagesOf(nl);
  const image = cache.get(ifindex);
  if (!image) return false;
  const ix = indexImage(image);
  // every slot's root link must be known (it is, after any successful reconcile)
  for (const slot of [0, 1, 2, 3]) if (!ix.roots.has(slot)) return false;
  const generation = generationOf(ifindex);
  const reqs: Req[] = [];
  const adds: InstalledFilter[] = [];
  const dels: InstalledFilter[] = [];
  const replaced = new Map<InstalledFilter, InstalledFilter>();
  const newHandles = new Set<number>();
  const newTables = new Set<number>();
  for (const c of changes) {
    const k = entryKey(c.dir, c.prefix);
    const have = ix.entries.get(k);
    const fam = c.prefix.family;
    if (c.tunIfindex === undefined) {
      if (!have || dels.includes(have)) continue;
      reqs.push(deleteReq(ifindex, name, have));
      dels.push(have);
      continue;
    }
    const w: WantedFilter = { dir: c.dir, prefix: c.prefix, tunIfindex: c.tunIfindex, action: c.action };
    if (have) {
      if (sameTarget(have, w) || replaced.has(have)) continue;
      reqs.push(entryReq(ifindex, name, w, have.handle, false));
      replaced.set(have, { ...have, tunIfindex: c.tunIfindex, action: c.action });
      continue;
    }
    let handle = 0;
    if (hashed(c.prefix)) {
      const [b1, b2] = buckets(c.prefix);
      const htid = htL2(fam, c.dir, b1);
      if (!ix.tables.has(htid) && !newTables.has(htid)) {
        reqs.push(tableReq(ifindex, name, htid));
        adds.push({ parent: parentOf(c.dir), dir: c.dir, prio: prioOf(fam), protocol: protoOf(fam), handle: (htid << 20) >>> 0, kind: 'hashtable', divisor: HASH_DIVISOR });
        newTables.add(htid);
      }
      if (!ix.links.has(`l1|${htid}`) && !adds.some((f) => f.kind === 'link' && f.linkTo === (htid << 20) >>> 0)) {
        reqs.push(linkReq(ifindex, name, fam, c.dir, 2, b1));
        const { hoff, hmask } = hashSpec(fam, c.dir, 2);
        adds.push({ parent: parentOf(c.dir), dir: c.dir, prio: prioOf(fam), protocol: protoOf(fam), handle: mkHandle(htL1(fam, c.dir), b1, 1), kind: 'link', linkTo: (htid << 20) >>> 0, hoff, hmask });
      }
      for (let n = 1; n <= 0xfff; n++) {
        const h = mkHandle(htid, b2, n);
        if (!ix.used.has(h) && !newHandles.has(h)) {
          handle = h;
          break;
        }
      }
      if (!handle) throw new AgentError('resource-denied', `no free u32 handle in table ${htid.toString(16)} bucket ${b2} on ${name}`, { appTag: 'resources-unavailable' });
      reqs.push(entryReq(ifindex, name, w, handle, true));
    } else {
      const root = ix.roots.get(slotOf(fam, c.dir))!;
      for (let n = ROOT_ENTRY_NODES; n <= 0xfff + ROOT_ENTRY_NODES - 2; n++) {
        const node = n > 0xfff ? n - 0xfff + 1 : n;
        const h = mkHandle(root, 0, node);
        if (!ix.used.has(h) && !newHandles.has(h)) {
          handle = h;
          break;
        }
      }
      if (!handle) throw new AgentError('resource-denied', `no free u32 handle in the root table on ${name} (at most 4,094 unhashed prefixes per direction and family)`, { appTag: 'resources-unavailable' });
      reqs.push(entryReq(ifindex, name, w, nodeOf(handle), true));
    }
    newHandles.add(handle);
    adds.push({ parent: parentOf(c.dir), dir: c.dir, prio: prioOf(fam), protocol: protoOf(fam), handle, kind: 'entry', prefix: c.prefix, tunIfindex: c.tunIfindex, action: c.action });
  }
  if (!reqs.length) return true;
  try {
    await execAll(nl, reqs);
  } catch (e) {
    forgetInstalled(nl, ifindex);
    throw e;
  }
  if (generationOf(ifindex) !== generation || cache.get(ifindex) !== image) {
    // someone else changed the interface meanwhile: the next change reads the kernel
    cache.delete(ifindex);
    return true;
  }
  for (const f of dels) {
    image.filters.delete(f);
    ix.entries.delete(entryKey(f.dir, f.prefix!));
    ix.used.delete(f.handle);
  }
  for (const [was, now] of replaced) {
    image.filters.delete(was);
    image.filters.add(now);
    ix.entries.set(entryKey(now.dir, now.prefix!), now);
  }
  for (const f of adds) {
    image.filters.add(f);
    if (f.kind === 'hashtable') ix.tables.set(htidOf(f.handle), f);
    else if (f.kind === 'link') ix.links.set(`l1|${htidOf(f.linkTo!)}`, f);
    else {
      ix.entries.set(entryKey(f.dir, f.prefix!), f);
      ix.used.add(f.handle);
    }
  }
  return true;
}

export async function deleteFilter(nl: Rtnl, ifindex: number, name: string, f: InstalledFilter): Promise<void> {
  const r = deleteReq(ifindex, name, f);
  await nl.exec(r.what, r.type, r.flags, r.payload);
}

/**
 * Removes everything the agent owns on the interface: its entries and hash
 * tables (explicitly, since the u32 tables are shared with any other u32
 * filter on the qdisc and would outlive the agent's priorities), then its
 * priorities on both hooks.
 */
export async function removeOwned(nl: Rtnl, ifindex: number, name: string): Promise<void> {
  forgetInstalled(nl, ifindex);
  const installed = (await dumpFilters(nl, ifindex)).filter(owned);
  const roots = new Set(installed.filter((f) => f.kind === 'hashtable' && (f.divisor ?? 1) <= 1 && !tableInfo(htidOf(f.handle))).map((f) => htidOf(f.handle)));
  // root links first, then the tables (L2 before L1; deleting L1 releases its links)
  await execAll(nl, installed.filter((f) => f.kind === 'link' && roots.has(htidOf(f.handle))).map((f) => deleteReq(ifindex, name, f)));
  const tables = installed.filter((f) => f.kind === 'hashtable' && !roots.has(htidOf(f.handle)));
  const l1 = tables.filter((f) => tableInfo(htidOf(f.handle))?.level === 1 || !tableInfo(htidOf(f.handle)));
  await execAll(nl, l1.map((f) => deleteReq(ifindex, name, f)), true);
  await execAll(nl, tables.filter((f) => !l1.includes(f)).map((f) => deleteReq(ifindex, name, f)), true);
  for (const parent of [PARENT_INGRESS, PARENT_EGRESS])
    for (const [prio, proto] of [[PRIO_V4, ETH_P_IP], [PRIO_V6, ETH_P_IPV6]]) {
      try {
        await nl.exec(`remove mirror filters on ${name}`, RTM_DELTFILTER, 0, Buffer.concat([tcmsg(ifindex, 0, parent, prio, proto)]));
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT' && (e as { code?: string }).code !== 'EINVAL') throw e;
      }
    }
}

// ---------------------------------------------------------------- shared actions (mirror groups)

const RTM_NEWACTION = 48;
const RTM_DELACTION = 49;
const RTM_GETACTION = 50;
const TCA_ACT_TAB = 1;
const TCA_ACT_INDEX = 3;

/** struct tcamsg: family and padding. */
const tcamsg = (): Buffer => Buffer.alloc(4);

/** One of the agent's shared mirred actions as the kernel has it. */
export interface InstalledAction {
  index: number;
  /** the member it mirrors to; 0 once that device is gone */
  tunIfindex: number;
  /** mirred egress mirror, pipe: as the agent makes them */
  plain: boolean;
}

/**
 * The reserved mirred actions that exist among `indexes`, asked one by one
 * (RTM_GETACTION, pipelined, many per datagram). Not a dump: a dump of the
 * action table marks every action it lists (used_hw_stats, shown by tc), the
 * agent's or not, and would list every action of every filter.
 */
export async function getActions(nl: Rtnl, indexes: number[]): Promise<Map<number, InstalledAction>> {
  const out = new Map<number, InstalledAction>();
  if (!indexes.length) return out;
  const sock = rawSock(nl);
  const pending = new Map<number, () => void>();
  let failure: KernelError | undefined;
  const wanted = new Set<number>();
  const onMessage: MessageListener = (msgs) => {
    for (const m of msgs) {
      if (!wanted.has(m.seq)) continue;
      if (m.type === RTM_NEWACTION) {
        const tab = parseAttrs(m.data.subarray(4)).get(TCA_ACT_TAB);
        for (const one of tab ? listAttrs(tab) : []) {
          const a = parseAttrs(one.data);
          const opts = a.get(TCA_ACT_OPTIONS);
          const parms = opts ? parseAttrs(opts).get(TCA_MIRRED_PARMS) : undefined;
          if (attrString(a.get(TCA_ACT_KIND)) !== 'mirred' || !parms || parms.length < 28) continue;
          const index = parms.readUInt32LE(0);
          if (ownedAction(index)) out.set(index, { index, tunIfindex: parms.readUInt32LE(24), plain: parms.readInt32LE(8) === TC_ACT_PIPE && parms.readInt32LE(20) === TCA_EGRESS_MIRROR });
        }
      } else if (m.type === NLMSG_ERROR) {
        const e = kernelError('get mirror group action', m.data, m.flags);
        if (e && e.code !== 'ENOENT' && e.code !== 'EINVAL') failure ??= e;
        wanted.delete(m.seq);
        settle(pending, m.seq);
      }
    }
  };
  let next = 0;
  const sendOne = (): Promise<void> => {
    const parts: Buffer[] = [];
    let lastSeq = 0;
    for (let n = 0; n < PER_DATAGRAM && next < indexes.length; n++) {
      const act = nested(1, [strattr(TCA_ACT_KIND, 'mirred'), u32attr(TCA_ACT_INDEX, indexes[next++])]);
      const payload = Buffer.concat([tcamsg(), nested(TCA_ACT_TAB, [act])]);
      const { seq, header } = requestHeader(RTM_GETACTION, NLM_F_ACK, payload.length);
      parts.push(header, payload);
      wanted.add(seq);
      lastSeq = seq;
    }
    return sendAwaiting(sock, parts, lastSeq, pending);
  };
  await pipelined(sock, onMessage, () => failure === undefined && next < indexes.length, sendOne);
  if (failure) throw failure;
  return out;
}

/** Every reserved index (a probe of what a previous run left). */
export const allGroupActions = (): number[] => Array.from({ length: ACT_GROUPS }, (_, g) => ACT_INDEX_BASE + g);

/** Creates shared action `index` mirroring to `tunIfindex`, or re-points it there (every entry bound to it follows at once). */
export function actionReq(index: number, tunIfindex: number, what = `set mirror group action ${index - ACT_INDEX_BASE}`): Req {
  if (!ownedAction(index)) throw new AgentError('invalid-value', `action index ${index} is not reserved for the agent`);
  const act = nested(1, [strattr(TCA_ACT_KIND, 'mirred'), nested(TCA_ACT_OPTIONS, [attr(TCA_MIRRED_PARMS, mirredParms(tunIfindex, index))])]);
  return { what, type: RTM_NEWACTION, flags: NLM_F_CREATE | NLM_F_REPLACE, payload: Buffer.concat([tcamsg(), nested(TCA_ACT_TAB, [act])]) };
}

function deleteActionReq(index: number): Req {
  const act = nested(1, [strattr(TCA_ACT_KIND, 'mirred'), u32attr(TCA_ACT_INDEX, index)]);
  return { what: `delete mirror group action ${index - ACT_INDEX_BASE}`, type: RTM_DELACTION, flags: 0, payload: Buffer.concat([tcamsg(), nested(TCA_ACT_TAB, [act])]) };
}

/** Sets the shared actions (index -> member ifindex), pipelined: one request each. */
export async function setActions(nl: Rtnl, set: { index: number; tunIfindex: number; what?: string }[]): Promise<void> {
  await execAll(nl, set.map((a) => actionReq(a.index, a.tunIfindex, a.what)));
}

/**
 * Deletes reserved actions; returns those that are gone. One still bound
 * (someone else's filter using a reserved index, or a release the kernel
 * has not finished) is left for the next time (EPERM).
 */
export async function deleteActions(nl: Rtnl, indexes: number[]): Promise<number[]> {
  const gone: number[] = [];
  let held = indexes;
  // the kernel releases a deleted filter's hold on its action after an RCU grace period: a few tries
  for (let attempt = 0; held.length && attempt < 20; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 10));
    const again: number[] = [];
    for (const i of held) {
      try {
        const r = deleteActionReq(i);
        await nl.exec(r.what, r.type, r.flags, r.payload);
        gone.push(i);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ENOENT' || code === 'EINVAL') gone.push(i);
        else if (code === 'EPERM') again.push(i);
        else throw e;
      }
    }
    held = again;
  }
  return gone;
}

/** Counts changes of the action table made by others (heard by the TC watch): the agent's image of its actions is then stale. */
const actionChanges = new WeakMap<Rtnl, number>();
export const actionGeneration = (nl: Rtnl): number => actionChanges.get(nl) ?? 0;
