/**
 * RADIUS fuzz sender, run inside a namespace: random datagrams and mutations
 * of valid CoA / Disconnect / Accounting requests (about half of them
 * re-signed with the right secret after the mutation, so they get past the
 * authenticator check and reach the decoder and the handlers), to both
 * ports. Paced in bursts so that the socket buffer does not just drop them.
 *
 *   fuzz-sender.ts HOST COA_PORT ACCT_PORT SECRET COUNT SEED [PPS]
 *
 * Prints one JSON line: {"sent":N,"replies":N,"ms":N}
 */
import { createHash } from 'crypto';
import * as dgram from 'dgram';
import { Code, encodeInteger, encodeMirrorVsas, encodeRequest, encodeText, type AttributeSpec } from '../../src/radius/codec';

const [host, coaPortS, acctPortS, secret, countS, seedS, ppsS] = process.argv.slice(2);
const pps = Number(ppsS ?? 15000);
const coaPort = Number(coaPortS);
const acctPort = Number(acctPortS);
const count = Number(countS);

let seed = Number(seedS) >>> 0 || 1;
function rnd(): number {
  // xorshift32
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 0x100000000;
}
const int = (n: number): number => Math.floor(rnd() * n);
const bytes = (n: number): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(256);
  return b;
};

function validRequests(): Buffer[] {
  const ids = ['1', '2', '77', 'fz-1', 'fz-2', ''.padEnd(40, 'x')];
  const out: Buffer[] = [];
  for (const id of ids) {
    const sid: AttributeSpec = { type: 44, value: encodeText(id) };
    for (const action of [0, 1, 2] as const) {
      for (const handle of ['40000001', '0000000100000002', '00', '']) {
        out.push(encodeRequest(Code.CoaRequest, int(256), [sid, encodeMirrorVsas({ liAction: action, medDevHandle: Buffer.from(handle, 'hex'), medIp: '203.0.113.99', medPort: 30030 }, secret)], secret, { messageAuthenticator: rnd() < 0.5 }));
      }
    }
    out.push(encodeRequest(Code.DisconnectRequest, int(256), [sid], secret));
    for (const status of [1, 2, 3, 7, 8, 99]) {
      out.push(encodeRequest(Code.AccountingRequest, int(256), [sid, { type: 40, value: encodeInteger(status) }, { type: 1, value: encodeText('fuzz') }, { type: 8, value: Buffer.from([192, 0, 2, 100 + int(100)]) }, { type: 97, value: Buffer.from([0, 64, 0x20, 1, 0xd, 0xb8, 0, 1, 0, 0]) }], secret));
    }
  }
  return out;
}

function resign(b: Buffer): Buffer {
  if (b.length < 20) return b;
  const len = b.readUInt16BE(2);
  if (len < 20 || len > b.length) return b;
  const c = Buffer.from(b);
  c.fill(0, 4, 20);
  createHash('md5').update(c.subarray(0, len)).update(secret).digest().copy(c, 4);
  return c;
}

function mutate(src: Buffer): Buffer {
  let b = Buffer.from(src);
  const n = 1 + int(4);
  for (let k = 0; k < n; k++) {
    switch (int(8)) {
      case 0: // flip a byte
        if (b.length) b[int(b.length)] = int(256);
        break;
      case 1: // truncate
        b = b.subarray(0, int(b.length + 1));
        break;
      case 2: // append garbage
        b = Buffer.concat([b, bytes(int(64))]);
        break;
      case 3: // lie about the length
        if (b.length >= 4) b.writeUInt16BE(int(5000), 2);
        break;
      case 4: // an attribute length byte
        if (b.length > 21) b[20 + int(b.length - 20)] = [0, 1, 2, 255, int(256)][int(5)];
        break;
      case 5: // change the code
        if (b.length) b[0] = [4, 40, 43, 1, 0, 255, int(256)][int(7)];
        break;
      case 6: // duplicate a slice
        if (b.length > 20) {
          const s = 20 + int(b.length - 20);
          b = Buffer.concat([b, b.subarray(s, s + int(40))]);
        }
        break;
      default: // fix the length to the datagram
        if (b.length >= 4) b.writeUInt16BE(Math.min(b.length, 0xffff), 2);
    }
  }
  return rnd() < 0.5 ? resign(b) : b;
}

const valid = validRequests();
const sock = dgram.createSocket('udp4');
let replies = 0;
sock.on('message', () => replies++);
sock.bind(0, async () => {
  const t0 = Date.now();
  let sent = 0;
  const BURST = 50;
  while (sent < count) {
    const ahead = sent - ((Date.now() - t0) * pps) / 1000;
    if (ahead > 0) await new Promise((res) => setTimeout(res, (ahead * 1000) / pps));
    for (let i = 0; i < BURST && sent < count; i++, sent++) {
      const r = rnd();
      const pkt = r < 0.25 ? bytes(int(r < 0.05 ? 4200 : 120)) : mutate(valid[int(valid.length)]);
      const port = (pkt[0] === Code.AccountingRequest) !== rnd() < 0.2 ? acctPort : coaPort;
      sock.send(pkt, port, host);
    }
  }
  await new Promise((res) => setTimeout(res, 500));
  process.stdout.write(JSON.stringify({ sent, replies, ms: Date.now() - t0 }) + '\n');
  sock.close();
});
