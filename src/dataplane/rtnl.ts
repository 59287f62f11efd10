/**
 * A small rtnetlink layer over the `netlink` package's socket: our own message
 * encoding (links, qdiscs, tc filters), kernel errors with the extended-ack
 * reason, dumps, and link events.
 */

import { EventEmitter } from 'events';
import { createNetlink, NetlinkSocket } from 'netlink';
import { AgentError } from '../errors';
import { native } from './native';

export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;

export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_NEWQDISC = 36;
export const RTM_DELQDISC = 37;
export const RTM_GETQDISC = 38;
export const RTM_NEWTFILTER = 44;
export const RTM_DELTFILTER = 45;
export const RTM_GETTFILTER = 46;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;

const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_TXQLEN = 13;
const IFLA_OPERSTATE = 16;
const IFF_UP = 0x1;
const IFF_LOWER_UP = 0x10000;
const RTNLGRP_LINK = 1;

/** A netlink attribute tree node. */
export interface Attr {
  type: number;
  data: Buffer;
}

export function attr(type: number, data: Buffer | Buffer[]): Buffer {
  const body = Array.isArray(data) ? Buffer.concat(data) : data;
  const len = 4 + body.length;
  const out = Buffer.alloc((len + 3) & ~3);
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  body.copy(out, 4);
  return out;
}
export const nested = (type: number, children: Buffer[]): Buffer => attr(type | 0x8000, children);
export const u32attr = (type: number, v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return attr(type, b);
};
export const strattr = (type: number, s: string): Buffer => attr(type, Buffer.from(s + '\0'));

export function parseAttrs(buf: Buffer): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (const a of listAttrs(buf)) m.set(a.type, a.data);
  return m;
}
export function listAttrs(buf: Buffer): Attr[] {
  const out: Attr[] = [];
  let o = 0;
  while (o + 4 <= buf.length) {
    const len = buf.readUInt16LE(o);
    if (len < 4 || o + len > buf.length) break;
    out.push({ type: buf.readUInt16LE(o + 2) & 0x3fff, data: buf.subarray(o + 4, o + len) });
    o += (len + 3) & ~3;
  }
  return out;
}
export const attrString = (b: Buffer | undefined): string | undefined => (b ? b.toString('utf8').replace(/\0.*$/s, '') : undefined);

/** A kernel refusal, with the kernel's reason (errno name and extended-ack text). */
export class KernelError extends AgentError {
  readonly errno: number;
  readonly code: string;
  readonly kernelMessage?: string;
  constructor(what: string, errno: number, kernelMessage?: string) {
    const code = errnoName(errno);
    super('operation-failed', `${what}: kernel refused: ${code}${kernelMessage ? ` (${kernelMessage})` : ''}`, { appTag: 'kernel-refused', info: { errno: code } });
    this.name = 'KernelError';
    this.errno = errno;
    this.code = code;
    this.kernelMessage = kernelMessage;
  }
}

function errnoName(errno: number): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('util') as typeof import('util')).getSystemErrorName(errno < 0 ? errno : -errno);
  } catch {
    return `errno ${errno}`;
  }
}

export interface RawMsg {
  type: number;
  flags: number;
  data: Buffer;
}

/** One rtnetlink request socket. */
export class Rtnl {
  readonly sock: NetlinkSocket;
  private closed = false;

  constructor() {
    this.sock = createNetlink(0 /* NETLINK_ROUTE */, { recvBufferSize: 8 << 20, sendBufferSize: 1 << 20 } as never);
    try {
      native().netlinkExtAck(this.sock.address().port);
    } catch {
      /* without the addon, errors carry only the errno */
    }
  }

  close(): void {
    if (!this.closed) this.sock.close();
    this.closed = true;
  }

  /** A request that expects an ACK. Throws KernelError on refusal. */
  async exec(what: string, type: number, flags: number, payload: Buffer): Promise<void> {
    const [msgs] = await this.sock.request(type, payload, { flags, checkError: false });
    for (const m of msgs) if (m.type === NLMSG_ERROR) throwIfError(what, m.data, m.flags);
  }

  /** A dump request; returns the payloads of the answers of the given type. */
  async dump(what: string, type: number, payload: Buffer): Promise<RawMsg[]> {
    const [msgs] = await this.sock.request(type, payload, { flags: NLM_F_DUMP, checkError: false });
    const out: RawMsg[] = [];
    for (const m of msgs) {
      if (m.type === NLMSG_ERROR) {
        throwIfError(what, m.data, m.flags);
        continue;
      }
      if (m.type === NLMSG_DONE) continue;
      out.push({ type: m.type, flags: m.flags, data: m.data });
    }
    return out;
  }
}

/** nlmsgerr: int error; struct nlmsghdr msg (16 octets, plus the payload unless capped); TLVs. */
function throwIfError(what: string, data: Buffer, flags: number): void {
  const err = data.readInt32LE(0);
  if (err === 0) return;
  let message: string | undefined;
  // NLM_F_CAPPED 0x100, NLM_F_ACK_TLVS 0x200
  if (flags & 0x200) {
    let o = 4 + 16;
    if (!(flags & 0x100)) {
      const origLen = data.readUInt32LE(4);
      o = 4 + origLen;
    }
    const tlv = parseAttrs(data.subarray((o + 3) & ~3));
    message = attrString(tlv.get(1 /* NLMSGERR_ATTR_MSG */));
  }
  throw new KernelError(what, err, message);
}

// ---- links ----

export interface LinkInfo {
  index: number;
  name: string;
  up: boolean;
  lowerUp: boolean;
  operstate: number;
  mtu?: number;
  /** transmit queue length (packets) */
  txqlen?: number;
}

export function ifinfomsg(index: number, flags = 0, change = 0): Buffer {
  const b = Buffer.alloc(16);
  b[0] = 0; // AF_UNSPEC
  b.writeUInt16LE(0, 2);
  b.writeInt32LE(index, 4);
  b.writeUInt32LE(flags, 8);
  b.writeUInt32LE(change, 12);
  return b;
}

export function parseLink(data: Buffer): LinkInfo {
  const index = data.readInt32LE(4);
  const flags = data.readUInt32LE(8);
  const a = parseAttrs(data.subarray(16));
  const op = a.get(IFLA_OPERSTATE);
  const mtu = a.get(IFLA_MTU);
  const txq = a.get(IFLA_TXQLEN);
  return {
    index,
    name: attrString(a.get(IFLA_IFNAME)) ?? '',
    up: (flags & IFF_UP) !== 0,
    lowerUp: (flags & IFF_LOWER_UP) !== 0,
    operstate: op ? op[0] : 0,
    mtu: mtu ? mtu.readUInt32LE(0) : undefined,
    txqlen: txq && txq.length >= 4 ? txq.readUInt32LE(0) : undefined,
  };
}

export async function getLinks(nl: Rtnl): Promise<LinkInfo[]> {
  const msgs = await nl.dump('list links', RTM_GETLINK, ifinfomsg(0));
  return msgs.filter((m) => m.type === RTM_NEWLINK).map((m) => parseLink(m.data));
}

export async function getLink(nl: Rtnl, name: string): Promise<LinkInfo | undefined> {
  return (await getLinks(nl)).find((l) => l.name === name);
}

export async function setLinkUp(nl: Rtnl, index: number, up: boolean, name = String(index)): Promise<void> {
  await nl.exec(`set link ${name} ${up ? 'up' : 'down'}`, RTM_NEWLINK, 0, ifinfomsg(index, up ? IFF_UP : 0, IFF_UP));
}

export async function setLinkTxqlen(nl: Rtnl, index: number, txqlen: number, name = String(index)): Promise<void> {
  await nl.exec(`set link ${name} txqueuelen ${txqlen}`, RTM_NEWLINK, 0, Buffer.concat([ifinfomsg(index), u32attr(IFLA_TXQLEN, txqlen)]));
}

export async function deleteLink(nl: Rtnl, index: number, name = String(index)): Promise<void> {
  await nl.exec(`delete link ${name}`, RTM_DELLINK, 0, ifinfomsg(index));
}

export interface LinkEvent {
  kind: 'new' | 'del';
  link: LinkInfo;
}

/** Follows RTM_NEWLINK/RTM_DELLINK notifications: emits 'link' (LinkEvent). */
export class LinkMonitor extends EventEmitter {
  private readonly sock: NetlinkSocket;
  constructor() {
    super();
    this.sock = createNetlink(0, { ref: false } as never);
    this.sock.addMembership(RTNLGRP_LINK);
    this.sock.on('message', (msgs) => {
      for (const m of msgs) {
        if (m.type !== RTM_NEWLINK && m.type !== RTM_DELLINK) continue;
        const ev: LinkEvent = { kind: m.type === RTM_NEWLINK ? 'new' : 'del', link: parseLink(m.data) };
        this.emit('link', ev);
      }
    });
    this.sock.on('error', (e) => this.emit('error', e));
  }
  close(): void {
    this.sock.close();
  }
}
