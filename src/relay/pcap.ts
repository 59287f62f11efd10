/** A tiny pcap writer (classic libpcap format, LINKTYPE_RAW: packets start at the IP header). */

import * as fs from 'fs';

export const LINKTYPE_RAW = 101;

export function pcapGlobalHeader(linktype = LINKTYPE_RAW, snaplen = 65535): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeInt32LE(0, 8);
  h.writeUInt32LE(0, 12);
  h.writeUInt32LE(snaplen, 16);
  h.writeUInt32LE(linktype, 20);
  return h;
}

export function pcapRecord(pkt: Buffer, timeMs = Date.now()): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(Math.floor(timeMs / 1000), 0);
  h.writeUInt32LE(Math.floor((timeMs % 1000) * 1000), 4);
  h.writeUInt32LE(pkt.length, 8);
  h.writeUInt32LE(pkt.length, 12);
  return Buffer.concat([h, pkt]);
}

/** Whole pcap file as bytes. */
export function pcapFile(pkts: Buffer[], linktype = LINKTYPE_RAW): Buffer {
  return Buffer.concat([pcapGlobalHeader(linktype), ...pkts.map((p) => pcapRecord(p))]);
}

/** Appending writer (synchronous: a tool's pace, not the relay's). */
export class PcapWriter {
  private readonly fd: number;
  constructor(path: string, linktype = LINKTYPE_RAW) {
    this.fd = fs.openSync(path, 'w');
    fs.writeSync(this.fd, pcapGlobalHeader(linktype));
  }
  write(pkt: Buffer): void {
    fs.writeSync(this.fd, pcapRecord(pkt));
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}
