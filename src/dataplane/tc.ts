/**
 * Selection in the kernel: clsact + u32 + mirred, through netlink.
 *
 * Layout on each subscriber interface (everything the agent owns is at the
 * reserved priorities PRIO_V4/PRIO_V6 under the clsact ingress and egress
 * hooks; nothing else is ever touched):
 *
 *   prio 0xF100 protocol ip   (IPv4)
 *     hash table HT_IN (ingress) / HT_EG (egress), 256 buckets
 *     root:  link node, key = last octet of the source (ingress) or
 *            destination (egress) address -> HT bucket
 *     HT:    one terminal node per mirrored /32: match address, action
 *            mirred egress mirror dev <tunnel>
 *     root:  other (shorter) IPv4 prefixes, one node each
 *   prio 0xF101 protocol ipv6 (IPv6 prefixes), one root node each
 *
 * Under clsact the ingress and egress u32 instances share one hash-table
 * handle space, so the two directions use different table ids.
 */

import { AgentError } from '../errors';
import {
  attr, attrString, listAttrs, nested, NLM_F_CREATE, NLM_F_EXCL, parseAttrs, RTM_DELTFILTER, RTM_GETQDISC, RTM_GETTFILTER, RTM_NEWQDISC,
  RTM_NEWTFILTER, Rtnl, strattr, u32attr,
} from './rtnl';

export const TC_H_CLSACT = 0xfffffff1;
export const PARENT_INGRESS = 0xfffffff2;
export const PARENT_EGRESS = 0xfffffff3;
export const PRIO_V4 = 0xf100;
export const PRIO_V6 = 0xf101;
export const HT_IN = 0xf10;
export const HT_EG = 0xf11;
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

/** An address prefix, IPv4 or IPv6. */
export interface Prefix {
  family: 4 | 6;
  /** 4 or 16 octets, host bits zero */
  addr: Buffer;
  len: number;
}

export function parsePrefix(s: string): Prefix {
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
  tunIfindex: number;
}

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
  prefix?: Prefix;
  tunIfindex?: number;
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

function mirredAction(tunIfindex: number): Buffer {
  const parms = Buffer.alloc(28);
  parms.writeUInt32LE(0, 0); // index: kernel allocates
  parms.writeInt32LE(TC_ACT_PIPE, 8);
  parms.writeInt32LE(TCA_EGRESS_MIRROR, 20);
  parms.writeUInt32LE(tunIfindex, 24);
  return nested(TCA_U32_ACT, [nested(1, [strattr(TCA_ACT_KIND, 'mirred'), nested(TCA_ACT_OPTIONS, [attr(TCA_MIRRED_PARMS, parms)])])]);
}

function addrOffset(family: 4 | 6, dir: Direction): number {
  if (family === 4) return dir === 'ingress' ? 12 : 16;
  return dir === 'ingress' ? 8 : 24;
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

export function parseFilterMsg(data: Buffer): InstalledFilter | undefined {
  const ifindex = data.readInt32LE(4);
  void ifindex;
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
  const div = o.get(TCA_U32_DIVISOR);
  if (div) {
    const id = handle >>> 20;
    const d: Direction = id === HT_EG ? 'egress' : 'ingress';
    return { ...base, dir: d, parent: d === 'egress' ? PARENT_EGRESS : PARENT_INGRESS, kind: 'hashtable', divisor: div.readUInt32LE(0) };
  }
  const s = o.get(TCA_U32_SEL);
  const link = o.get(TCA_U32_LINK);
  if (link) {
    const hoff = s ? parseSel(s).hoff : 0;
    const d: Direction = hoff === 16 ? 'egress' : 'ingress';
    return { ...base, dir: d, parent: d === 'egress' ? PARENT_EGRESS : PARENT_INGRESS, kind: 'link', linkTo: link.readUInt32LE(0) };
  }
  if (!s) return base;
  const family: 4 | 6 = protocol === ETH_P_IPV6 ? 6 : 4;
  const kp = keysPrefix(family, parseSel(s).keys);
  let tunIfindex: number | undefined;
  const act = o.get(TCA_U32_ACT);
  if (act) {
    for (const one of listAttrs(act)) {
      const aa = parseAttrs(one.data);
      if (attrString(aa.get(TCA_ACT_KIND)) !== 'mirred') continue;
      const ao = aa.get(TCA_ACT_OPTIONS);
      const parms = ao ? parseAttrs(ao).get(TCA_MIRRED_PARMS) : undefined;
      if (parms && parms.length >= 28) tunIfindex = parms.readUInt32LE(24);
    }
  }
  if (!kp) return base;
  void dir;
  return { ...base, kind: 'entry', prefix: kp.prefix, dir: kp.dir, parent: kp.dir === 'egress' ? PARENT_EGRESS : PARENT_INGRESS, tunIfindex };
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

/** All filters on the interface's clsact hooks (both directions). */
export async function dumpFilters(nl: Rtnl, ifindex: number): Promise<InstalledFilter[]> {
  const out: InstalledFilter[] = [];
  const seen = new Set<string>();
  for (const parent of [PARENT_INGRESS, PARENT_EGRESS]) {
    const msgs = await nl.dump('list filters', RTM_GETTFILTER, tcmsg(ifindex, 0, parent, 0, 0));
    for (const m of msgs) {
      if (m.data.readInt32LE(4) !== ifindex) continue;
      const f = parseFilterMsg(m.data);
      if (!f) continue;
      const id = `${f.prio}/${f.protocol}/${f.handle}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(f);
    }
  }
  return out;
}

function htFor(dir: Direction): number {
  return dir === 'ingress' ? HT_IN : HT_EG;
}

function hashed(p: Prefix): boolean {
  return p.family === 4 && p.len === 32;
}

export interface ReconcileStats {
  added: number;
  changed: number;
  removed: number;
}

/**
 * Makes the agent's filters on one interface equal to `wanted`: adds what is
 * missing, changes what points at another tunnel, removes what is no longer
 * wanted (and duplicates). Returns what it did.
 */
export async function reconcileInterface(nl: Rtnl, ifindex: number, name: string, wanted: WantedFilter[], installedIn?: InstalledFilter[]): Promise<ReconcileStats> {
  const stats: ReconcileStats = { added: 0, changed: 0, removed: 0 };
  await ensureClsact(nl, ifindex, name);
  let installed = (installedIn ?? (await dumpFilters(nl, ifindex))).filter(owned);
  // Skeleton: IPv4 hash table and link node per direction.
  for (const dir of ['ingress', 'egress'] as Direction[]) {
    const parent = dir === 'ingress' ? PARENT_INGRESS : PARENT_EGRESS;
    const ht = htFor(dir);
    const mine = installed.filter((f) => f.prio === PRIO_V4);
    if (!mine.some((f) => f.kind === 'hashtable' && f.handle >>> 20 === ht)) {
      await nl.exec(`add u32 hash table on ${name} ${dir}`, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL,
        Buffer.concat([tcmsg(ifindex, (ht << 20) >>> 0, parent, PRIO_V4, ETH_P_IP), strattr(TCA_KIND, 'u32'), nested(TCA_OPTIONS, [u32attr(TCA_U32_DIVISOR, HASH_DIVISOR)])]));
    }
    if (!mine.some((f) => f.kind === 'link' && f.linkTo !== undefined && f.linkTo >>> 20 === ht)) {
      const off = addrOffset(4, dir);
      await nl.exec(`add u32 hash link on ${name} ${dir}`, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL,
        Buffer.concat([tcmsg(ifindex, 0, parent, PRIO_V4, ETH_P_IP), strattr(TCA_KIND, 'u32'),
          nested(TCA_OPTIONS, [u32attr(TCA_U32_LINK, (ht << 20) >>> 0), attr(TCA_U32_SEL, sel([{ mask: 0, val: 0, off }], 0, off, 0x000000ff))])]));
    }
  }
  // Entries.
  const want = new Map<string, WantedFilter>();
  for (const w of wanted) want.set(`${w.dir}|${prefixKey(w.prefix)}`, w);
  const have = new Map<string, InstalledFilter>();
  for (const f of installed) {
    if (f.kind !== 'entry' || !f.prefix) continue;
    const k = `${f.dir}|${prefixKey(f.prefix)}`;
    if (have.has(k) || !want.has(k)) {
      await deleteFilter(nl, ifindex, name, f);
      stats.removed++;
      continue;
    }
    have.set(k, f);
  }
  const used = new Set<number>(installed.map((f) => f.handle));
  for (const [k, w] of want) {
    const f = have.get(k);
    if (f && f.tunIfindex === w.tunIfindex) continue;
    if (f) {
      await putEntry(nl, ifindex, name, w, f.handle, false);
      stats.changed++;
      continue;
    }
    let handle = 0;
    if (hashed(w.prefix)) {
      const bucket = w.prefix.addr[3];
      const base = ((htFor(w.dir) << 20) | (bucket << 12)) >>> 0;
      for (let n = 1; n <= 0xfff; n++) if (!used.has((base | n) >>> 0)) {
        handle = (base | n) >>> 0;
        break;
      }
      if (!handle) throw new AgentError('resource-denied', `no free u32 handle in bucket ${bucket} on ${name}`, { appTag: 'resources-unavailable' });
      used.add(handle);
    }
    await putEntry(nl, ifindex, name, w, handle, true);
    stats.added++;
  }
  installed = [];
  return stats;
}

async function putEntry(nl: Rtnl, ifindex: number, name: string, w: WantedFilter, handle: number, create: boolean): Promise<void> {
  const parent = w.dir === 'ingress' ? PARENT_INGRESS : PARENT_EGRESS;
  const v4 = w.prefix.family === 4;
  const opts: Buffer[] = [];
  if (hashed(w.prefix)) opts.push(u32attr(TCA_U32_HASH, (handle & 0xfffff000) >>> 0));
  opts.push(attr(TCA_U32_SEL, sel(prefixKeys(w.prefix, w.dir), TC_U32_TERMINAL)));
  opts.push(mirredAction(w.tunIfindex));
  await nl.exec(`${create ? 'add' : 'change'} mirror filter ${prefixString(w.prefix)} ${w.dir} on ${name}`, RTM_NEWTFILTER, create ? NLM_F_CREATE | NLM_F_EXCL : 0,
    Buffer.concat([tcmsg(ifindex, handle, parent, v4 ? PRIO_V4 : PRIO_V6, v4 ? ETH_P_IP : ETH_P_IPV6), strattr(TCA_KIND, 'u32'), nested(TCA_OPTIONS, opts)]));
}

export async function deleteFilter(nl: Rtnl, ifindex: number, name: string, f: InstalledFilter): Promise<void> {
  await nl.exec(`delete filter ${f.handle.toString(16)} on ${name}`, RTM_DELTFILTER, 0,
    Buffer.concat([tcmsg(ifindex, f.handle, f.parent, f.prio, f.protocol), strattr(TCA_KIND, 'u32')]));
}

/** Removes everything the agent owns on the interface (its priorities, both hooks). */
export async function removeOwned(nl: Rtnl, ifindex: number, name: string): Promise<void> {
  for (const parent of [PARENT_INGRESS, PARENT_EGRESS])
    for (const [prio, proto] of [[PRIO_V4, ETH_P_IP], [PRIO_V6, ETH_P_IPV6]]) {
      try {
        await nl.exec(`remove mirror filters on ${name}`, RTM_DELTFILTER, 0, Buffer.concat([tcmsg(ifindex, 0, parent, prio, proto)]));
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT' && (e as { code?: string }).code !== 'EINVAL') throw e;
      }
    }
}
