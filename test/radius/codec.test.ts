import assert from 'node:assert/strict';
import {
  Attr,
  checkMessageAuthenticator,
  Code,
  decodeIpv6Prefix,
  decodeMirrorVsas,
  decodePacket,
  decodeText,
  decodeValue,
  encodeIpv6Prefix,
  encodeMirrorVsas,
  encodeReply,
  encodeRequest,
  encodeText,
  encodeInteger,
  ErxAttr,
  getAll,
  getVendorAll,
  RadiusDecodeError,
  RadiusPacket,
  requestMessageAuthenticatorField,
  saltDecrypt,
  saltEncrypt,
  VENDOR_JUNIPER_ERX,
  verifyRequestAuthenticator,
  verifyResponseAuthenticator,
  ZERO_VECTOR,
  canonicalIp,
  ipv6ToString,
  parseIpv6,
} from '../../src/radius/codec';
import { allCaptures, loadCapture } from './fixtures';
import { rawSaltEncrypt } from './helpers';

function decoded(bytes: Buffer): RadiusPacket {
  const r = decodePacket(bytes);
  if (!r.ok) throw r.error;
  return r.packet;
}

function text(pkt: RadiusPacket, type: number): string | undefined {
  const v = getAll(pkt, type)[0];
  if (!v) return undefined;
  const r = decodeValue(type, v);
  assert.ok(r.ok);
  return String(r.value);
}

describe('radius codec: radclient captures', () => {
  for (const cap of allCaptures()) {
    it(`${cap.name}: decodes and its Request Authenticator verifies only with the right secret`, () => {
      const pkt = decoded(cap.bytes);
      assert.equal(pkt.raw!.length, cap.bytes.length);
      assert.equal(verifyRequestAuthenticator(cap.bytes, cap.secret), true);
      assert.equal(verifyRequestAuthenticator(cap.bytes, cap.secret + 'x'), false);
      const tampered = Buffer.from(cap.bytes);
      tampered[tampered.length - 1] ^= 1;
      assert.equal(verifyRequestAuthenticator(tampered, cap.secret), false);
    });
  }

  it('coa-start-4byte: CoA-Request with Message-Authenticator (zero authenticator field) and the four VSAs', () => {
    const cap = loadCapture('coa-start-4byte');
    const pkt = decoded(cap.bytes);
    assert.equal(pkt.code, Code.CoaRequest);
    assert.equal(checkMessageAuthenticator(pkt, cap.secret, requestMessageAuthenticatorField(pkt)), 'valid');
    assert.equal(checkMessageAuthenticator(pkt, 'wrong', requestMessageAuthenticatorField(pkt)), 'invalid');
    // radclient sends each VSA in its own attribute 26
    assert.equal(getAll(pkt, Attr.VendorSpecific).length, 4);
    assert.equal(text(pkt, Attr.AcctSessionId), 'sess-1');
    const m = decodeMirrorVsas(pkt, cap.secret);
    assert.ok(m.ok && m.present);
    assert.equal(m.value.liAction, 1);
    assert.equal(m.value.medDevHandle.toString('hex'), '4000abcd');
    assert.equal(m.value.medIp, '198.51.100.7');
    assert.equal(m.value.medPort, 30030);
  });

  it('coa-start-8byte: 40-octet secret, identity attributes, Event-Timestamp, no Message-Authenticator', () => {
    const cap = loadCapture('coa-start-8byte');
    const pkt = decoded(cap.bytes);
    assert.equal(checkMessageAuthenticator(pkt, cap.secret, requestMessageAuthenticatorField(pkt)), 'absent');
    assert.equal(text(pkt, Attr.UserName), 'alice@example.net');
    assert.equal(text(pkt, Attr.NasIpAddress), '192.0.2.1');
    assert.equal(text(pkt, Attr.NasIdentifier), 'bng1');
    assert.equal(text(pkt, Attr.EventTimestamp), '1700000000');
    const m = decodeMirrorVsas(pkt, cap.secret);
    assert.ok(m.ok && m.present);
    assert.deepEqual(
      { ...m.value, medDevHandle: m.value.medDevHandle.toString('hex') },
      { liAction: 1, medDevHandle: '0000002a00000007', medIp: '203.0.113.9', medPort: 65535 },
    );
    // the wrong secret does not decrypt to these values
    const w = decodeMirrorVsas(pkt, 'testing123');
    assert.ok(!(w.ok && w.present && w.value.medIp === '203.0.113.9'));
  });

  it('coa-stop: LI-Action off, subscriber named by Framed-IP-Address', () => {
    const cap = loadCapture('coa-stop');
    const pkt = decoded(cap.bytes);
    assert.equal(text(pkt, Attr.FramedIpAddress), '192.0.2.77');
    const m = decodeMirrorVsas(pkt, cap.secret);
    assert.ok(m.ok && m.present);
    assert.equal(m.value.liAction, 0);
  });

  it('coa-long-handle: a 21-octet handle spans two cipher blocks and decrypts', () => {
    const cap = loadCapture('coa-long-handle');
    const pkt = decoded(cap.bytes);
    const h = getVendorAll(pkt, VENDOR_JUNIPER_ERX, ErxAttr.MedDevHandle)[0];
    assert.equal(h.value.length, 2 + 32);
    const m = decodeMirrorVsas(pkt, cap.secret);
    assert.ok(m.ok && m.present);
    assert.equal(m.value.liAction, 2);
    assert.equal(m.value.medDevHandle.toString('hex'), '000102030405060708090a0b0c0d0e0f1011121314');
    assert.equal(m.value.medPort, 1);
  });

  it('coa-partial: two of the four VSAs is "incomplete", naming the missing ones', () => {
    const cap = loadCapture('coa-partial');
    const m = decodeMirrorVsas(decoded(cap.bytes), cap.secret);
    assert.ok(!m.ok);
    assert.equal(m.kind, 'incomplete');
    assert.deepEqual(m.kind === 'incomplete' && m.missing, [ErxAttr.MedIpAddress, ErxAttr.MedPortNumber]);
  });

  it('disconnect: Disconnect-Request with Proxy-State and Message-Authenticator', () => {
    const cap = loadCapture('disconnect');
    const pkt = decoded(cap.bytes);
    assert.equal(pkt.code, Code.DisconnectRequest);
    assert.equal(checkMessageAuthenticator(pkt, cap.secret, requestMessageAuthenticatorField(pkt)), 'valid');
    assert.equal(getAll(pkt, Attr.ProxyState)[0].toString(), 'proxy');
    const m = decodeMirrorVsas(pkt, cap.secret);
    assert.deepEqual(m, { ok: true, present: false });
  });

  it('acct-start: typed subscriber attributes', () => {
    const cap = loadCapture('acct-start');
    const pkt = decoded(cap.bytes);
    assert.equal(pkt.code, Code.AccountingRequest);
    assert.equal(text(pkt, Attr.AcctStatusType), '1');
    assert.equal(text(pkt, Attr.AcctSessionId), '0000002a');
    assert.equal(text(pkt, Attr.FramedIpAddress), '192.0.2.77');
    assert.equal(text(pkt, Attr.FramedIpv6Prefix), '2001:db8:77::/48');
    assert.equal(text(pkt, Attr.NasPortId), 'ge-1/0/0.100');
  });

  it('salt encryption reproduces radclient\'s ciphertext exactly (same salt, R = 16 zero octets)', () => {
    const cap = loadCapture('coa-start-4byte');
    const pkt = decoded(cap.bytes);
    const plain: Record<number, Buffer> = {
      [ErxAttr.LiAction]: encodeInteger(1),
      [ErxAttr.MedDevHandle]: Buffer.from('4000abcd', 'hex'),
      [ErxAttr.MedIpAddress]: Buffer.from([198, 51, 100, 7]),
      [ErxAttr.MedPortNumber]: encodeInteger(30030),
    };
    for (const s of getVendorAll(pkt, VENDOR_JUNIPER_ERX)) {
      const ours = saltEncrypt(plain[s.type], cap.secret, ZERO_VECTOR, s.value.subarray(0, 2));
      assert.equal(ours.toString('hex'), s.value.toString('hex'), `ERX ${s.type}`);
    }
  });
});

describe('radius codec: encode and sign', () => {
  const secret = 'xyzzy5461';

  it('a CoA-Request with the four VSAs packed in one attribute 26 round-trips and verifies', () => {
    const vsas = encodeMirrorVsas({ liAction: 1, medDevHandle: Buffer.from('0000000100000002', 'hex'), medIp: '198.51.100.1', medPort: 30030 }, secret);
    const bytes = encodeRequest(Code.CoaRequest, 7, [{ type: Attr.AcctSessionId, value: encodeText('s1') }, vsas], secret, { messageAuthenticator: true });
    assert.equal(verifyRequestAuthenticator(bytes, secret), true);
    const pkt = decoded(bytes);
    assert.equal(pkt.identifier, 7);
    assert.equal(getAll(pkt, Attr.VendorSpecific).length, 1);
    assert.equal(getVendorAll(pkt, VENDOR_JUNIPER_ERX).length, 4);
    assert.equal(checkMessageAuthenticator(pkt, secret, ZERO_VECTOR), 'valid');
    const m = decodeMirrorVsas(pkt, secret);
    assert.ok(m.ok && m.present);
    assert.equal(m.value.medDevHandle.toString('hex'), '0000000100000002');
    assert.equal(m.value.medIp, '198.51.100.1');
  });

  it('a reply\'s Response Authenticator and Message-Authenticator use the request authenticator', () => {
    const req = decoded(loadCapture('coa-start-4byte').bytes);
    const rep = encodeReply(Code.CoaNak, req.identifier, req.authenticator, [{ type: Attr.ErrorCause, value: encodeInteger(402) }], 'testing123', {
      messageAuthenticator: true,
    });
    assert.equal(verifyResponseAuthenticator(rep, req.authenticator, 'testing123'), true);
    assert.equal(verifyResponseAuthenticator(rep, Buffer.alloc(16), 'testing123'), false);
    const pkt = decoded(rep);
    assert.equal(pkt.code, Code.CoaNak);
    assert.equal(checkMessageAuthenticator(pkt, 'testing123', req.authenticator), 'valid');
    assert.equal(checkMessageAuthenticator(pkt, 'testing123', Buffer.alloc(16)), 'invalid');
    assert.equal(text(pkt, Attr.ErrorCause), '402');
  });

  it('salt encryption round-trips every plaintext length 0..239 and rejects malformed ciphertext', () => {
    const vec = Buffer.alloc(16, 0xa5);
    for (let n = 0; n <= 239; n++) {
      const plain = Buffer.alloc(n, n & 0xff);
      const c = saltEncrypt(plain, secret, vec);
      assert.equal((c.length - 2) % 16, 0);
      assert.ok(c[0] & 0x80, 'salt high bit set');
      const d = saltDecrypt(c, secret, vec);
      assert.ok(d.ok && d.value.equals(plain), `length ${n}`);
    }
    for (const len of [0, 1, 17, 19, 33]) {
      const d = saltDecrypt(Buffer.alloc(len), secret, vec);
      assert.ok(!d.ok && d.error.reason === 'bad-encrypted-value');
    }
  });

  it('salt decryption refuses a salt whose high bit is clear and padding that is not zero (RFC 2868 3.5)', () => {
    const vec = Buffer.alloc(16, 0x5a);
    const p = Buffer.alloc(16);
    p[0] = 4;
    p.writeUInt32BE(1, 1);
    const good = rawSaltEncrypt(p, secret, vec, Buffer.from('8102', 'hex'));
    const d = saltDecrypt(good, secret, vec);
    assert.ok(d.ok && d.value.equals(encodeInteger(1)), 'the reference value decrypts');
    const lowSalt = saltDecrypt(rawSaltEncrypt(p, secret, vec, Buffer.from('0102', 'hex')), secret, vec);
    assert.ok(!lowSalt.ok && lowSalt.error.reason === 'bad-encrypted-value' && /high bit/.test(lowSalt.error.message));
    const dirty = Buffer.from(p);
    dirty[15] = 1;
    const padded = saltDecrypt(rawSaltEncrypt(dirty, secret, vec, Buffer.from('8102', 'hex')), secret, vec);
    assert.ok(!padded.ok && padded.error.reason === 'bad-encrypted-value' && /padding/.test(padded.error.message));
  });

  it('IPv6 prefixes and addresses: canonical text both ways', () => {
    assert.equal(ipv6ToString(parseIpv6('2001:0db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
    assert.equal(ipv6ToString(parseIpv6('::')!), '::');
    assert.equal(ipv6ToString(parseIpv6('1:2:3:4:5:6:7:8')!), '1:2:3:4:5:6:7:8');
    assert.equal(canonicalIp('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(canonicalIp('2001:DB8::0001'), '2001:db8::1');
    assert.equal(canonicalIp('not-an-ip'), undefined);
    const p = encodeIpv6Prefix('2001:db8:77::/48');
    assert.equal(p.toString('hex'), '003020010db80077');
    const d = decodeIpv6Prefix(Buffer.from('003020010db8000000ff', 'hex'));
    assert.ok(d.ok);
    assert.equal(d.value, '2001:db8::/48');
    assert.ok(!decodeIpv6Prefix(Buffer.from('0081', 'hex')).ok);
    assert.ok(!decodeIpv6Prefix(Buffer.from('004020010db8', 'hex')).ok);
  });
});

describe('radius codec: malformed packets give typed errors', () => {
  const good = loadCapture('disconnect').bytes;
  function reason(b: Buffer): string {
    const r = decodePacket(b);
    assert.ok(!r.ok, 'expected a decode error');
    assert.ok(r.error instanceof RadiusDecodeError);
    return r.error.reason;
  }
  function withLength(b: Buffer, n: number): Buffer {
    const c = Buffer.from(b);
    c.writeUInt16BE(n, 2);
    return c;
  }
  it('header problems', () => {
    assert.equal(reason(Buffer.alloc(19)), 'too-short');
    assert.equal(reason(withLength(good, 19)), 'bad-length');
    assert.equal(reason(withLength(Buffer.concat([good, Buffer.alloc(5000)]), 4097)), 'bad-length');
    assert.equal(reason(withLength(good, good.length + 1)), 'truncated');
  });
  it('octets past the Length field are ignored', () => {
    const r = decodePacket(Buffer.concat([good, Buffer.from([1, 2, 3])]));
    assert.ok(r.ok);
    assert.equal(r.packet.raw!.length, good.length);
  });
  it('attribute problems', () => {
    const hdr = (attrs: number[]): Buffer => {
      const b = Buffer.concat([Buffer.from([43, 1, 0, 0]), Buffer.alloc(16), Buffer.from(attrs)]);
      b.writeUInt16BE(b.length, 2);
      return b;
    };
    assert.equal(reason(hdr([1, 1])), 'bad-attribute-length');
    assert.equal(reason(hdr([1, 0])), 'bad-attribute-length');
    assert.equal(reason(hdr([1, 9, 65])), 'attribute-overrun');
    assert.equal(reason(hdr([1])), 'attribute-overrun');
    assert.equal(reason(hdr([26, 6, 0, 0, 0x13, 0x0a])), 'bad-vsa');
    assert.equal(reason(hdr([26, 9, 0, 0, 0x13, 0x0a, 58, 4, 0])), 'bad-vsa');
    assert.equal(reason(hdr([26, 8, 0, 0, 0x13, 0x0a, 58, 1])), 'bad-vsa');
    assert.equal(reason(hdr([80, 4, 0, 0])), 'bad-message-authenticator');
    assert.equal(reason(hdr([80, 18, ...new Array(16).fill(0), 80, 18, ...new Array(16).fill(0)])), 'bad-message-authenticator');
    // another vendor's value not in the suggested format is kept, not refused
    const r = decodePacket(hdr([26, 9, 0, 0, 0, 9, 7, 7, 7]));
    assert.ok(r.ok);
    assert.equal(r.packet.attributes[0].vendorId, 9);
    assert.equal(r.packet.attributes[0].vsas, undefined);
  });
  it('typed values', () => {
    assert.ok(!decodeValue(Attr.FramedIpAddress, Buffer.alloc(3)).ok);
    assert.ok(!decodeValue(Attr.EventTimestamp, Buffer.alloc(5)).ok);
    assert.ok(!decodeValue(Attr.NasIpv6Address, Buffer.alloc(4)).ok);
    assert.ok(!decodeText(Buffer.from([0xff, 0xfe])).ok);
    const r = decodeValue(Attr.NasIpv6Address, Buffer.from('20010db8000000000000000000000001', 'hex'));
    assert.ok(r.ok);
    assert.equal(r.value, '2001:db8::1');
  });
});
