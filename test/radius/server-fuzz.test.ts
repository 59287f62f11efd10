import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RadiusServer } from '../../src/radius';
import {
  Attr,
  AttributeSpec,
  Code,
  decodePacket,
  encodeInteger,
  encodeRequest,
  encodeText,
  saltEncrypt,
  VENDOR_JUNIPER_ERX,
  verifyResponseAuthenticator,
  ZERO_VECTOR,
} from '../../src/radius/codec';
import { allCaptures, mutate, prng } from './fixtures';
import { request } from './helpers';

const SECRET = 'testing123'; // the secret of most captures, so their mutations verify when re-signed

function resign(b: Buffer): Buffer {
  if (b.length < 20) return b;
  const len = b.readUInt16BE(2);
  if (len < 20 || len > b.length) return b;
  const c = Buffer.from(b);
  c.fill(0, 4, 20);
  createHash('md5').update(c.subarray(0, len)).update(SECRET).digest().copy(c, 4);
  return c;
}

const TEXT = new Set([1, 18, 30, 31, 32, 44, 87]);
const VALID_LENGTH: Record<number, number> = { 4: 4, 8: 4, 95: 16, 27: 4, 40: 4, 55: 4, 101: 4 };

function randomAttrs(rnd: () => number): AttributeSpec[] {
  const types = [1, 1, 4, 8, 8, 18, 24, 25, 27, 30, 31, 32, 33, 44, 44, 44, 55, 87, 95, 97, 101, 6, 200];
  const out: AttributeSpec[] = [];
  const n = Math.floor(rnd() * 8);
  const bytes = (k: number): Buffer => Buffer.from(Array.from({ length: k }, () => Math.floor(rnd() * 256)));
  for (let i = 0; i < n; i++) {
    const t = types[Math.floor(rnd() * types.length)];
    const good = rnd() < 0.93;
    const len = good ? (VALID_LENGTH[t] ?? 4) : Math.floor(rnd() * 20);
    const value = TEXT.has(t) && good ? encodeText(`s${Math.floor(rnd() * 50)}`) : t === 97 && good ? Buffer.from([0, 64, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 1]) : bytes(len);
    out.push({ type: t, value });
  }
  if (rnd() < 0.6) {
    const vsas = [58, 59, 60, 61]
      .filter(() => rnd() < 0.9)
      .map((type) => {
        const plain = type === 59 ? bytes([4, 8, 3, 0, 30][Math.floor(rnd() * 5)]) : rnd() < 0.8 ? encodeInteger(Math.floor(rnd() * 4)) : bytes(Math.floor(rnd() * 6));
        return { type, value: rnd() < 0.9 ? saltEncrypt(plain, SECRET, ZERO_VECTOR) : bytes(Math.floor(rnd() * 40)) };
      });
    if (vsas.length) out.push({ vendorId: VENDOR_JUNIPER_ERX, vsas });
  }
  return out;
}

describe('radius server fuzz', function () {
  this.timeout(180000);

  it('100,000 random, mutated and re-signed datagrams on both ports: every reply valid, then a valid CoA is still answered', async () => {
    const rnd = prng(3799);
    let handled = 0;
    const server = new RadiusServer({
      onCoa: async (r) => {
        handled++;
        const x = rnd();
        if (x < 0.1) throw new Error('handler failure');
        return x < 0.5 ? { ok: true } : { ok: false, cause: 503 };
      },
      onAccounting: async () => {
        handled++;
        if (rnd() < 0.05) throw new Error('cannot record');
      },
    });
    await server.reconfigure({ coaPort: 0, acctPort: 0, clients: [{ address: '127.0.0.1', secret: SECRET }], bindAddresses: ['127.0.0.1'], eventTimestampWindow: 0 });
    const seeds = allCaptures().map((c) => c.bytes);
    let replies = 0;
    let unknown = 0;
    const N = 100_000;
    for (let i = 0; i < N; i++) {
      let msg: Buffer;
      const kind = i % 4;
      if (kind === 0) {
        msg = Buffer.from(Array.from({ length: Math.floor(rnd() * 120) }, () => Math.floor(rnd() * 256)));
      } else if (kind === 1) {
        msg = mutate(seeds[i % seeds.length], rnd);
      } else if (kind === 2) {
        msg = resign(mutate(seeds[i % seeds.length], rnd));
      } else {
        const code = [Code.CoaRequest, Code.DisconnectRequest, Code.AccountingRequest, Code.AccessRequest][Math.floor(rnd() * 4)];
        const attrs = randomAttrs(rnd);
        if (code === Code.AccountingRequest && rnd() < 0.8) attrs.unshift({ type: Attr.AcctStatusType, value: encodeInteger(1 + Math.floor(rnd() * 8)) });
        msg = encodeRequest(code, Math.floor(rnd() * 256), attrs, SECRET, { messageAuthenticator: rnd() < 0.3 });
      }
      const fromUnknown = rnd() < 0.02;
      if (fromUnknown) unknown++;
      // mostly the port the code belongs to, sometimes the other one
      const natural = msg.length > 0 && msg[0] === Code.AccountingRequest ? 'acct' : 'coa';
      const role = rnd() < 0.9 ? natural : natural === 'coa' ? 'acct' : 'coa';
      const rinfo = { address: fromUnknown ? '192.0.2.200' : '127.0.0.1', port: 40000 };
      await server.handleDatagram(role, msg, rinfo, (rep) => {
        replies++;
        const len = msg.readUInt16BE(2);
        assert.equal(verifyResponseAuthenticator(rep, msg.subarray(4, 20), SECRET), true);
        const d = decodePacket(rep);
        assert.ok(d.ok);
        assert.equal(d.packet.identifier, msg[1]);
        assert.ok(len >= 20);
        const expect =
          msg[0] === Code.CoaRequest ? [Code.CoaAck, Code.CoaNak] : msg[0] === Code.DisconnectRequest ? [Code.DisconnectAck, Code.DisconnectNak] : [Code.AccountingResponse];
        assert.ok(expect.includes(d.packet.code as never), `reply code ${d.packet.code} to ${msg[0]}`);
      });
    }
    const k = server.counters();
    const c = k.clients['127.0.0.1'];
    assert.equal(k.unknownClient.dropped, unknown);
    assert.equal(c.requests, N - unknown);
    // about 2,500: garbled salt-encrypted VSAs (clear salt bit, non-zero padding) are refused before the handler
    assert.ok(handled > 2000, `handled ${handled} ${JSON.stringify(c)}`);
    assert.ok(c.acks > 500 && c.naks > 5000 && c.accountingResponses > 1000, JSON.stringify(c));
    // every reply is a first answer or a cached one sent again to a duplicate
    assert.ok(replies >= c.acks + c.naks + c.accountingResponses && replies <= c.acks + c.naks + c.accountingResponses + c.duplicates);
    assert.ok(c.dropped.malformed > 1000 && c.dropped.badAuthenticator > 1000 && c.dropped.unexpectedCode > 1000);

    // still alive over the real socket
    const req = encodeRequest(Code.CoaRequest, 1, [{ type: Attr.AcctSessionId, value: encodeText('after-fuzz') }], SECRET);
    const rep = await request(req, server.ports().coaPort, { waitMs: 1000 });
    assert.ok(rep);
    assert.equal(verifyResponseAuthenticator(rep, req.subarray(4, 20), SECRET), true);
    await server.close();
  });
});
