import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as dgram from 'node:dgram';
import { AgentError } from '../../src/errors';
import {
  AccountingRequest,
  CoaAnswer,
  CoaError,
  DynamicAuthRequest,
  ErrorCause,
  RadiusBindError,
  RadiusServer,
  RadiusServerConfig,
} from '../../src/radius';
import {
  Attr,
  AttributeSpec,
  checkMessageAuthenticator,
  Code,
  decodePacket,
  encodeInteger,
  encodeIpv4,
  encodeIpv6Prefix,
  encodeMirrorVsas,
  encodeRaw,
  encodeRequest,
  encodeText,
  ErxAttr,
  getAll,
  RadiusPacket,
  saltEncrypt,
  VENDOR_JUNIPER_ERX,
  verifyRequestAuthenticator,
  verifyResponseAuthenticator,
  ZERO_VECTOR,
} from '../../src/radius/codec';
import { exchange, rawSaltEncrypt, request } from './helpers';

const SECRET = 'sw0rdfish';
const text = (type: number, s: string): AttributeSpec => ({ type, value: encodeText(s) });
const int = (type: number, n: number): AttributeSpec => ({ type, value: encodeInteger(n) });
const mirror = (liAction: 0 | 1 | 2, handle = '4000abcd'): AttributeSpec =>
  encodeMirrorVsas({ liAction, medDevHandle: Buffer.from(handle, 'hex'), medIp: '198.51.100.7', medPort: 30030 }, SECRET);

let nextId = 0;
function coa(attrs: AttributeSpec[], opts: { code?: number; ma?: boolean; secret?: string } = {}): Buffer {
  nextId = (nextId + 1) & 0xff;
  return encodeRequest(opts.code ?? Code.CoaRequest, nextId, attrs, opts.secret ?? SECRET, { messageAuthenticator: opts.ma });
}

function reply(bytes: Buffer | undefined, req: Buffer, secret = SECRET): RadiusPacket {
  assert.ok(bytes, 'expected a reply');
  assert.equal(verifyResponseAuthenticator(bytes, req.subarray(4, 20), secret), true, 'response authenticator');
  const r = decodePacket(bytes);
  assert.ok(r.ok);
  assert.equal(r.packet.identifier, req[1]);
  return r.packet;
}

function errorCause(p: RadiusPacket): number | undefined {
  const v = getAll(p, Attr.ErrorCause)[0];
  return v ? v.readUInt32BE(0) : undefined;
}

describe('radius server', function () {
  this.timeout(10000);
  let server: RadiusServer;
  let coas: DynamicAuthRequest[];
  let accts: AccountingRequest[];
  let answer: (r: DynamicAuthRequest) => Promise<CoaAnswer>;
  let acctHandler: (r: AccountingRequest) => Promise<void>;
  let clock: number;
  let ports: { coaPort: number; acctPort: number };
  /** `req` to the CoA port is answered with a CoA-NAK carrying Error-Cause `cause` */
  const assertCoaNak = async (req: Buffer, cause: number): Promise<RadiusPacket> => {
    const rep = reply(await request(req, ports.coaPort), req);
    assert.equal(rep.code, Code.CoaNak);
    assert.equal(errorCause(rep), cause);
    return rep;
  };
  const base: RadiusServerConfig = {
    coaPort: 0,
    acctPort: 0,
    clients: [{ address: '127.0.0.1', secret: SECRET }],
    bindAddresses: ['127.0.0.1'],
  };

  beforeEach(async () => {
    coas = [];
    accts = [];
    clock = Date.now();
    answer = async () => ({ ok: true });
    acctHandler = async () => undefined;
    server = new RadiusServer({
      onCoa: (r) => {
        coas.push(r);
        return answer(r);
      },
      onAccounting: (r) => {
        accts.push(r);
        return acctHandler(r);
      },
      now: () => clock,
    });
    await server.reconfigure(base);
    ports = server.ports();
    assert.ok(ports.coaPort > 0 && ports.acctPort > 0);
  });
  afterEach(() => server.close());

  describe('CoA and Disconnect', () => {
    it('a start with the four VSAs reaches the handler decrypted and typed; the ACK is signed', async () => {
      const req = coa([text(Attr.AcctSessionId, 'sess-9'), text(Attr.UserName, 'bob'), { type: Attr.FramedIpAddress, value: encodeIpv4('192.0.2.9') }, mirror(1)]);
      const rep = reply(await request(req, ports.coaPort), req);
      assert.equal(rep.code, Code.CoaAck);
      assert.equal(errorCause(rep), undefined);
      assert.equal(checkMessageAuthenticator(rep, SECRET, req.subarray(4, 20)), 'absent');
      assert.equal(coas.length, 1);
      const r = coas[0];
      assert.equal(r.kind, 'coa');
      assert.equal(r.client, '127.0.0.1');
      assert.equal(r.acctSessionId, 'sess-9');
      assert.equal(r.userName, 'bob');
      assert.equal(r.framedIp, '192.0.2.9');
      assert.equal(r.liAction, 'start');
      assert.equal(r.medDevHandle!.toString('hex'), '4000abcd');
      assert.equal(r.medIp, '198.51.100.7');
      assert.equal(r.medPort, 30030);
      assert.deepEqual(r.unsupported, []);
      const c = server.counters().clients['127.0.0.1'];
      assert.equal(c.coaRequests, 1);
      assert.equal(c.acks, 1);
    });

    it('a request with Message-Authenticator gets a reply with one, computed over the request authenticator', async () => {
      const req = coa([text(Attr.AcctSessionId, 's'), mirror(0)], { ma: true });
      const rep = reply(await request(req, ports.coaPort), req);
      assert.equal(rep.code, Code.CoaAck);
      assert.equal(checkMessageAuthenticator(rep, SECRET, req.subarray(4, 20)), 'valid');
      assert.equal(coas[0].liAction, 'stop');
    });

    it('the handler\'s NAK becomes CoA-NAK with its Error-Cause; Proxy-State is echoed', async () => {
      answer = async () => ({ ok: false, cause: ErrorCause.SessionContextNotFound });
      const req = coa([text(Attr.AcctSessionId, 'nobody'), { type: Attr.ProxyState, value: Buffer.from('p1') }, { type: Attr.ProxyState, value: Buffer.from('p2') }]);
      const rep = await assertCoaNak(req, 503);
      assert.deepEqual(getAll(rep, Attr.ProxyState).map(String), ['p1', 'p2']);
      assert.equal(server.counters().clients['127.0.0.1'].naks, 1);
    });

    it('a thrown CoaError, AgentError or other error becomes a NAK (their cause, by tag, 506)', async () => {
      const cases: [unknown, number][] = [
        [new CoaError(ErrorCause.ResourcesUnavailable, 'pool empty'), 506],
        [new AgentError('data-missing', 'no subscriber'), 503],
        [new TypeError('bug'), 506],
      ];
      for (const [err, cause] of cases) {
        answer = async () => {
          throw err;
        };
        const req = coa([text(Attr.AcctSessionId, 's'), mirror(1)]);
        await assertCoaNak(req, cause);
      }
    });

    it('Disconnect-Request: Disconnect-ACK, or Disconnect-NAK with the cause', async () => {
      let req = coa([text(Attr.AcctSessionId, 's1')], { code: Code.DisconnectRequest });
      let rep = reply(await request(req, ports.coaPort), req);
      assert.equal(rep.code, Code.DisconnectAck);
      assert.equal(coas[0].kind, 'disconnect');
      assert.equal(coas[0].liAction, undefined);
      answer = async () => ({ ok: false, cause: 503 });
      req = coa([text(Attr.UserName, 'u')], { code: Code.DisconnectRequest });
      rep = reply(await request(req, ports.coaPort), req);
      assert.equal(rep.code, Code.DisconnectNak);
      assert.equal(errorCause(rep), 503);
      assert.equal(server.counters().clients['127.0.0.1'].disconnectRequests, 2);
    });

    it('some but not all of the four VSAs: NAK 402 and the handler is not called', async () => {
      const partial: AttributeSpec = {
        vendorId: VENDOR_JUNIPER_ERX,
        vsas: [
          { type: ErxAttr.LiAction, value: saltEncrypt(encodeInteger(1), SECRET, ZERO_VECTOR) },
          { type: ErxAttr.MedDevHandle, value: saltEncrypt(Buffer.from('4000abcd', 'hex'), SECRET, ZERO_VECTOR) },
          { type: ErxAttr.MedPortNumber, value: saltEncrypt(encodeInteger(1), SECRET, ZERO_VECTOR) },
        ],
      };
      const req = coa([text(Attr.AcctSessionId, 's'), partial]);
      await assertCoaNak(req, 402);
      assert.equal(coas.length, 0);
    });

    it('no Acct-Session-Id, User-Name or Framed-IP-Address: NAK 402', async () => {
      const req = coa([mirror(1)]);
      const rep = reply(await request(req, ports.coaPort), req);
      assert.equal(errorCause(rep), 402);
      assert.equal(coas.length, 0);
    });

    it('NAS-Identifier, NAS-IP-Address and NAS-IPv6-Address reach the handler typed (which session\'s NAS they name is its to say: 403)', async () => {
      const ipv6 = Buffer.from('20010db8000000000000000000000001', 'hex');
      const nas = [text(Attr.NasIdentifier, 'bng1'), { type: Attr.NasIpAddress, value: encodeIpv4('192.0.2.1') }, { type: Attr.NasIpv6Address, value: ipv6 }];
      let req = coa([text(Attr.AcctSessionId, 's'), ...nas]);
      assert.equal(reply(await request(req, ports.coaPort), req).code, Code.CoaAck);
      assert.deepEqual([coas[0].nasIdentifier, coas[0].nasIp, coas[0].nasIpv6], ['bng1', '192.0.2.1', '2001:db8::1']);
      assert.deepEqual(coas[0].unsupported, []);
      answer = async (r) => (r.nasIdentifier === 'bng1' ? { ok: true } : { ok: false, cause: ErrorCause.NasIdentificationMismatch });
      req = coa([text(Attr.AcctSessionId, 's'), text(Attr.NasIdentifier, 'bng2')]);
      await assertCoaNak(req, 403);
      // a NAS-IPv6-Address of the wrong size is malformed: 404, not handed on
      req = coa([text(Attr.AcctSessionId, 's'), { type: Attr.NasIpv6Address, value: ipv6.subarray(0, 8) }]);
      await assertCoaNak(req, 404);
      assert.equal(coas.length, 2);
    });

    it('mirroring values not supported (handle length or form, LI-Action 3, port 0): NAK 407 Invalid Attribute Value', async () => {
      const vsas = (liAction: number, handle: string, medPort: number): AttributeSpec =>
        encodeMirrorVsas({ liAction: liAction as 0, medDevHandle: Buffer.from(handle, 'hex'), medIp: '198.51.100.7', medPort }, SECRET);
      for (const v of [vsas(1, '0000abcd', 30030), vsas(1, '4000abcd00', 30030), vsas(1, '4000002a00000007', 30030), vsas(3, '4000abcd', 30030), vsas(1, '4000abcd', 0)]) {
        const req = coa([text(Attr.AcctSessionId, 's'), v]);
        await assertCoaNak(req, 407);
      }
      assert.equal(coas.length, 0);
    });

    it('malformed values and undecryptable VSAs: NAK 404', async () => {
      const badIp = coa([text(Attr.AcctSessionId, 's'), { type: Attr.FramedIpAddress, value: Buffer.alloc(3) }]);
      const twice = coa([text(Attr.AcctSessionId, 's'), text(Attr.AcctSessionId, 't')]);
      const garbled: AttributeSpec = {
        vendorId: VENDOR_JUNIPER_ERX,
        vsas: [58, 59, 60, 61].map((type) => ({ type, value: Buffer.alloc(5, 0x80) })),
      };
      const undecryptable = coa([text(Attr.AcctSessionId, 's'), garbled]);
      for (const req of [badIp, twice, undecryptable]) {
        await assertCoaNak(req, 404);
      }
      assert.equal(coas.length, 0);
    });

    it('salt-encrypted VSAs with a salt whose high bit is clear, or with non-zero padding: NAK 404, no action', async () => {
      const vsas = (salt: string, pad = 0): AttributeSpec => {
        const enc = (plain: Buffer): Buffer => {
          const p = Buffer.alloc(16 * Math.ceil((plain.length + 1) / 16), pad);
          p[0] = plain.length;
          plain.copy(p, 1);
          return rawSaltEncrypt(p, SECRET, ZERO_VECTOR, Buffer.from(salt, 'hex'));
        };
        return {
          vendorId: VENDOR_JUNIPER_ERX,
          vsas: [
            { type: ErxAttr.LiAction, value: enc(encodeInteger(2)) },
            { type: ErxAttr.MedDevHandle, value: enc(Buffer.from('0000303900010932', 'hex')) },
            { type: ErxAttr.MedIpAddress, value: enc(encodeIpv4('203.0.113.99')) },
            { type: ErxAttr.MedPortNumber, value: enc(encodeInteger(30030)) },
          ],
        };
      };
      const good = coa([text(Attr.AcctSessionId, '1001'), vsas('8102')]);
      assert.equal(reply(await request(good, ports.coaPort), good).code, Code.CoaAck, 'the same VSAs with a proper salt are taken');
      assert.equal(coas.length, 1);
      for (const bad of [coa([text(Attr.AcctSessionId, '1001'), vsas('0102')]), coa([text(Attr.AcctSessionId, '1001'), vsas('8102', 0x20)])]) {
        const rep = reply(await request(bad, ports.coaPort), bad);
        assert.equal(rep.code, Code.CoaNak);
        assert.equal(errorCause(rep), 404);
      }
      assert.equal(coas.length, 1);
    });

    it('State is echoed unmodified in CoA-ACK, CoA-NAK, Disconnect-ACK and Disconnect-NAK (RFC 5176 3.3)', async () => {
      const state = { type: Attr.State, value: Buffer.from('6f7061717565', 'hex') };
      const ps = { type: Attr.ProxyState, value: Buffer.from('p1') };
      for (const code of [Code.CoaRequest, Code.DisconnectRequest]) {
        for (const ok of [true, false]) {
          answer = async () => (ok ? { ok: true } : { ok: false, cause: ErrorCause.SessionContextNotFound });
          const req = coa([text(Attr.AcctSessionId, '5002'), state, ps], { code, ma: true });
          const rep = reply(await request(req, ports.coaPort), req);
          assert.equal(rep.code, code + (ok ? 1 : 2));
          assert.deepEqual(getAll(rep, Attr.State), [state.value]);
          assert.deepEqual(getAll(rep, Attr.ProxyState).map(String), ['p1']);
          assert.equal(checkMessageAuthenticator(rep, SECRET, req.subarray(4, 20)), 'valid');
        }
      }
      // no State in the request, none in the reply
      const plain = coa([text(Attr.AcctSessionId, '5002')]);
      assert.deepEqual(getAll(reply(await request(plain, ports.coaPort), plain), Attr.State), []);
    });

    it('two State attributes: NAK 404 (RFC 2865: zero or one), neither echoed, no action', async () => {
      const req = coa([text(Attr.AcctSessionId, '5002'), { type: Attr.State, value: Buffer.from('a') }, { type: Attr.State, value: Buffer.from('b') }]);
      const rep = await assertCoaNak(req, 404);
      assert.deepEqual(getAll(rep, Attr.State), []);
      assert.equal(coas.length, 0);
    });

    it('Service-Type Authorize Only (or any other): NAK 405 Unsupported Service with State echoed, no action (RFC 5176 3.2)', async () => {
      const state = { type: Attr.State, value: Buffer.from('6f7061717565', 'hex') };
      for (const [code, st] of [
        [Code.CoaRequest, 17],
        [Code.DisconnectRequest, 17],
        [Code.CoaRequest, 2],
      ]) {
        const req = coa([text(Attr.AcctSessionId, '5002'), int(6, st), state, mirror(2)], { code });
        const rep = reply(await request(req, ports.coaPort), req);
        assert.equal(rep.code, code + 2);
        assert.equal(errorCause(rep), 405);
        assert.deepEqual(getAll(rep, Attr.State), [state.value]);
      }
      const noState = coa([text(Attr.AcctSessionId, '5002'), int(6, 17)]);
      const rep = reply(await request(noState, ports.coaPort), noState);
      assert.equal(errorCause(rep), 405);
      assert.deepEqual(getAll(rep, Attr.State), []);
      assert.equal(coas.length, 0);
    });

    it('an identification attribute that does not decode (Latin-1 User-Name): NAK 404 for CoA and Disconnect, never silence', async () => {
      const latin1 = { type: Attr.UserName, value: Buffer.from('6afc7267656e', 'hex') };
      for (const code of [Code.CoaRequest, Code.DisconnectRequest]) {
        const req = coa([text(Attr.AcctSessionId, '4001'), latin1], { code });
        const rep = reply(await request(req, ports.coaPort), req);
        assert.equal(rep.code, code + 2);
        assert.equal(errorCause(rep), 404);
      }
      assert.equal(coas.length, 0);
    });

    it('attributes flowtapd does not act on are listed for the handler', async () => {
      const other: AttributeSpec = { vendorId: 9, vsas: [{ type: 1, value: Buffer.from('x') }] };
      const erxOther: AttributeSpec = { vendorId: VENDOR_JUNIPER_ERX, vsas: [{ type: 1, value: Buffer.from('vr') }] };
      answer = async (r) => (r.unsupported.length ? { ok: false, cause: ErrorCause.UnsupportedAttribute } : { ok: true });
      const req = coa([text(Attr.AcctSessionId, 's'), int(Attr.SessionTimeout, 60), other, erxOther]);
      const rep = reply(await request(req, ports.coaPort), req);
      assert.equal(errorCause(rep), 401);
      assert.deepEqual(coas[0].unsupported, [{ type: 27 }, { type: 26, vendorId: 9 }, { type: 26, vendorId: VENDOR_JUNIPER_ERX, vendorType: 1 }]);
    });
  });

  describe('silent drops, counted per client', () => {
    it('unknown client: no reply, counted by address', async () => {
      const req = coa([text(Attr.AcctSessionId, 's')]);
      assert.equal(await request(req, ports.coaPort, { from: '127.0.0.2', waitMs: 200 }), undefined);
      const k = server.counters();
      assert.equal(k.unknownClient.dropped, 1);
      assert.deepEqual(k.unknownClient.byAddress, { '127.0.0.2': 1 });
      assert.equal(k.clients['127.0.0.1'].requests, 0);
      assert.equal(coas.length, 0);
    });

    it('wrong secret (bad Request Authenticator): no reply, badAuthenticator', async () => {
      const req = coa([text(Attr.AcctSessionId, 's')], { secret: 'not-the-secret' });
      assert.equal(await request(req, ports.coaPort, { waitMs: 200 }), undefined);
      assert.equal(server.counters().clients['127.0.0.1'].dropped.badAuthenticator, 1);
      assert.equal(coas.length, 0);
    });

    it('bad Message-Authenticator under a good Request Authenticator: no reply, badMessageAuthenticator', async () => {
      // sign the Message-Authenticator with another secret, then the Request Authenticator with ours
      const req = encodeRequest(Code.CoaRequest, 77, [text(Attr.AcctSessionId, 's')], 'other', { messageAuthenticator: true });
      req.fill(0, 4, 20);
      createHash('md5').update(req).update(SECRET).digest().copy(req, 4);
      assert.equal(verifyRequestAuthenticator(req, SECRET), true);
      assert.equal(await request(req, ports.coaPort, { waitMs: 200 }), undefined);
      const c = server.counters().clients['127.0.0.1'];
      assert.equal(c.dropped.badMessageAuthenticator, 1);
      assert.equal(c.dropped.badAuthenticator, 0);
    });

    it('malformed packets and codes a port does not take', async () => {
      assert.equal(await request(Buffer.from('2b0100ff'), ports.coaPort, { waitMs: 150 }), undefined);
      const acctOnCoa = encodeRequest(Code.AccountingRequest, 1, [int(Attr.AcctStatusType, 1), text(Attr.AcctSessionId, 'a')], SECRET);
      assert.equal(await request(acctOnCoa, ports.coaPort, { waitMs: 150 }), undefined);
      const coaOnAcct = coa([text(Attr.AcctSessionId, 's')]);
      assert.equal(await request(coaOnAcct, ports.acctPort, { waitMs: 150 }), undefined);
      const c = server.counters().clients['127.0.0.1'];
      assert.equal(c.dropped.malformed, 1);
      assert.equal(c.dropped.unexpectedCode, 2);
    });

    it('Event-Timestamp outside the window is dropped; inside it is handled', async () => {
      const now = Math.floor(clock / 1000);
      const old = coa([text(Attr.AcctSessionId, 's'), int(Attr.EventTimestamp, now - 301)]);
      assert.equal(await request(old, ports.coaPort, { waitMs: 150 }), undefined);
      const future = coa([text(Attr.AcctSessionId, 's'), int(Attr.EventTimestamp, now + 400)]);
      assert.equal(await request(future, ports.coaPort, { waitMs: 150 }), undefined);
      assert.equal(server.counters().clients['127.0.0.1'].dropped.eventTimestamp, 2);
      const fresh = coa([text(Attr.AcctSessionId, 's'), int(Attr.EventTimestamp, now - 299)]);
      assert.equal(reply(await request(fresh, ports.coaPort), fresh).code, Code.CoaAck);
      assert.equal(coas[0].eventTimestamp, now - 299);
      // the window is configurable
      await server.reconfigure({ ...base, coaPort: ports.coaPort, acctPort: ports.acctPort, eventTimestampWindow: 1000 });
      const older = coa([text(Attr.AcctSessionId, 's'), int(Attr.EventTimestamp, now - 900)]);
      assert.equal(reply(await request(older, ports.coaPort), older).code, Code.CoaAck);
    });
  });

  describe('require-message-authenticator', () => {
    it('a client configured so: CoA, Disconnect and accounting without Message-Authenticator are dropped and counted; with one they are answered', async () => {
      await server.reconfigure({ ...base, coaPort: ports.coaPort, acctPort: ports.acctPort, clients: [{ address: '127.0.0.1', secret: SECRET, requireMessageAuthenticator: true }] });
      const bare = [
        coa([text(Attr.AcctSessionId, '1001'), mirror(2)]),
        coa([text(Attr.AcctSessionId, '1001')], { code: Code.DisconnectRequest }),
      ];
      for (const req of bare) assert.equal(await request(req, ports.coaPort, { waitMs: 150 }), undefined);
      const acct = encodeRequest(Code.AccountingRequest, 5, [int(Attr.AcctStatusType, 1), text(Attr.AcctSessionId, '1001')], SECRET);
      assert.equal(await request(acct, ports.acctPort, { waitMs: 150 }), undefined);
      assert.equal(coas.length, 0);
      assert.equal(accts.length, 0);
      let c = server.counters().clients['127.0.0.1'];
      assert.equal(c.dropped.missingMessageAuthenticator, 3);
      assert.equal(c.dropped.badMessageAuthenticator, 0, 'missing is not wrong');
      assert.equal(c.acks + c.naks + c.accountingResponses, 0);
      const signed = coa([text(Attr.AcctSessionId, '1001'), mirror(2)], { ma: true });
      assert.equal(reply(await request(signed, ports.coaPort), signed).code, Code.CoaAck);
      const signedAcct = encodeRequest(Code.AccountingRequest, 6, [int(Attr.AcctStatusType, 1), text(Attr.AcctSessionId, '1001')], SECRET, { messageAuthenticator: true });
      assert.equal(reply(await request(signedAcct, ports.acctPort), signedAcct).code, Code.AccountingResponse);
      c = server.counters().clients['127.0.0.1'];
      assert.equal(c.acks, 1);
      assert.equal(c.accountingResponses, 1);
      // the same request without Message-Authenticator is answered once the setting is off
      await server.reconfigure({ ...base, coaPort: ports.coaPort, acctPort: ports.acctPort });
      assert.equal(reply(await request(bare[0], ports.coaPort), bare[0]).code, Code.CoaAck);
    });
  });

  describe('warnings of dropped CoAs, once per source per interval', () => {
    let warnings: string[];
    let logged: RadiusServer;
    let p: number;
    const notSigned = (): Buffer => coa([text(Attr.AcctSessionId, 's'), mirror(1)], { secret: 'not-the-secret' });
    beforeEach(async () => {
      warnings = [];
      logged = new RadiusServer({
        onCoa: async () => ({ ok: true }),
        onAccounting: async () => undefined,
        logger: { warn: (m) => void warnings.push(m) },
        now: () => clock,
      });
      await logged.reconfigure({
        ...base,
        clients: [
          { address: '127.0.0.1', secret: SECRET },
          { address: '127.0.0.3', secret: SECRET, requireMessageAuthenticator: true },
        ],
      });
      p = logged.ports().coaPort;
    });
    afterEach(() => logged.close());

    it('a wrong secret, an unknown client, a missing Message-Authenticator: one warning each per source, however many packets', async () => {
      await exchange(notSigned(), p, { times: 5, waitMs: 200 });
      await exchange(coa([text(Attr.AcctSessionId, 's')]), p, { from: '127.0.0.2', times: 4, waitMs: 200 });
      await exchange(coa([text(Attr.AcctSessionId, 's'), mirror(1)]), p, { from: '127.0.0.3', times: 3, waitMs: 200 });
      assert.equal(warnings.length, 3, warnings.join('\n'));
      assert.match(warnings.find((w) => w.includes('from 127.0.0.1'))!, /wrong Request Authenticator/);
      assert.match(warnings.find((w) => w.includes('from 127.0.0.2'))!, /not a configured RADIUS client/);
      assert.match(warnings.find((w) => w.includes('from 127.0.0.3'))!, /no Message-Authenticator, which require-message-authenticator demands/);
      const k = logged.counters();
      assert.equal(k.clients['127.0.0.1'].dropped.badAuthenticator, 5);
      assert.equal(k.unknownClient.byAddress['127.0.0.2'], 4);
      assert.equal(k.clients['127.0.0.3'].dropped.missingMessageAuthenticator, 3);
      // a good request is not affected, and logs no warning
      const good = coa([text(Attr.AcctSessionId, 's'), mirror(1)]);
      assert.equal(reply(await request(good, p), good).code, Code.CoaAck);
      assert.equal(warnings.length, 3);
    });

    it('after the interval the next drop warns again and says how many were dropped meanwhile', async () => {
      await exchange(notSigned(), p, { times: 3, waitMs: 200 });
      assert.equal(warnings.length, 1);
      clock += 59_000;
      await request(notSigned(), p, { waitMs: 100 });
      assert.equal(warnings.length, 1, 'still within the minute');
      clock += 1_000;
      await request(notSigned(), p, { waitMs: 100 });
      assert.equal(warnings.length, 2);
      assert.match(warnings[1], /from 127\.0\.0\.1: wrong Request Authenticator .*; 3 more dropped from it since the last warning/);
      assert.equal(logged.counters().clients['127.0.0.1'].dropped.badAuthenticator, 5);
    });

    it('a flood from spoofed sources: a bounded number of warnings (32 sources, then one for the rest)', async () => {
      const req = notSigned();
      const from = (i: number): { address: string; port: number } => ({ address: `10.${(i >> 8) & 255}.${i & 255}.1`, port: 1812 });
      for (let i = 0; i < 2000; i++) await logged.handleDatagram('coa', req, from(i), () => undefined);
      assert.equal(logged.counters().unknownClient.dropped, 2000);
      assert.equal(warnings.length, 33, warnings.slice(-3).join('\n'));
      assert.match(warnings[31], /from 10\.0\.31\.1: not a configured RADIUS client \(/);
      assert.match(warnings[32], /from 10\.0\.32\.1 \(one of more than 32 sources dropped from\): not a configured RADIUS client \(/);
      // the next interval: 32 sources one by one again, then the shared warning with what it held back
      clock += 60_000;
      for (let i = 5000; i < 5040; i++) await logged.handleDatagram('coa', req, from(i), () => undefined);
      assert.equal(warnings.length, 33 + 33);
      assert.match(warnings[65], /\(one of more than 32 sources dropped from\): .*; 1967 more dropped from such sources since the last warning/);
    });

    it('accounting is not warned about (only counted)', async () => {
      const acct = encodeRequest(Code.AccountingRequest, 9, [int(Attr.AcctStatusType, 1), text(Attr.AcctSessionId, 'a')], 'not-the-secret');
      await exchange(acct, logged.ports().acctPort, { times: 3, waitMs: 200 });
      await exchange(acct, logged.ports().acctPort, { from: '127.0.0.2', times: 2, waitMs: 200 });
      assert.equal(logged.counters().clients['127.0.0.1'].dropped.badAuthenticator, 3);
      assert.deepEqual(warnings, []);
    });
  });

  describe('retransmissions', () => {
    it('the same request again gets the cached reply and no second action', async () => {
      const req = coa([text(Attr.AcctSessionId, 's'), mirror(1)], { ma: true });
      const first = await request(req, ports.coaPort);
      const second = await request(req, ports.coaPort);
      assert.ok(first && second);
      assert.ok(first.equals(second));
      assert.equal(coas.length, 1);
      assert.equal(server.counters().clients['127.0.0.1'].duplicates, 1);
      // the same identifier with a new authenticator is a new request
      const changed = encodeRequest(Code.CoaRequest, req[1], [text(Attr.AcctSessionId, 't')], SECRET);
      assert.equal(reply(await request(changed, ports.coaPort), changed).code, Code.CoaAck);
      assert.equal(coas.length, 2);
    });

    it('a retransmission while the handler still runs is absorbed; one reply, one action', async () => {
      answer = () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 150));
      const req = coa([text(Attr.AcctSessionId, 's'), mirror(1)]);
      const replies = await exchange(req, ports.coaPort, { times: 3, waitMs: 400 });
      assert.equal(replies.length, 1);
      assert.equal(coas.length, 1);
      assert.equal(server.counters().clients['127.0.0.1'].duplicates, 2);
    });

    it('a replay inside the Event-Timestamp window gets the cached reply, however late (RFC 5176 6.3); cached replies expire with the window', async () => {
      const now = Math.floor(clock / 1000);
      const on = coa([text(Attr.AcctSessionId, '2002'), int(Attr.EventTimestamp, now), mirror(1)]);
      const first = await request(on, ports.coaPort);
      const off = coa([text(Attr.AcctSessionId, '2002'), int(Attr.EventTimestamp, now), mirror(0)]);
      assert.equal(reply(await request(off, ports.coaPort), off).code, Code.CoaAck);
      clock += 32_000;
      const replay = await request(on, ports.coaPort);
      assert.ok(first && replay && first.equals(replay), 'the cached ACK');
      clock += 267_000; // 299 s after the request
      assert.ok((await request(on, ports.coaPort))?.equals(first));
      assert.deepEqual(
        coas.map((r) => r.liAction),
        ['start', 'stop'],
        'no second start',
      );
      clock += 2_000; // outside the window: the timestamp is stale, the request dropped
      assert.equal(await request(on, ports.coaPort, { waitMs: 150 }), undefined);
      assert.equal(coas.length, 2);
      assert.equal(server.counters().clients['127.0.0.1'].dropped.eventTimestamp, 1);
      // without Event-Timestamp, the cache is all there is: kept for the window, then gone
      const plain = coa([text(Attr.AcctSessionId, 's')]);
      await request(plain, ports.coaPort);
      clock += 299_000;
      await request(plain, ports.coaPort);
      assert.equal(coas.length, 3);
      clock += 2_000;
      await request(plain, ports.coaPort);
      assert.equal(coas.length, 4);
    });

    it('an Event-Timestamp ahead of the clock keeps the reply until that timestamp leaves the window', async () => {
      const now = Math.floor(clock / 1000);
      const req = coa([text(Attr.AcctSessionId, 's'), int(Attr.EventTimestamp, now + 200), mirror(1)]);
      const first = await request(req, ports.coaPort);
      clock += 450_000; // the timestamp is 250 s old: still accepted, so still a duplicate
      assert.ok((await request(req, ports.coaPort))?.equals(first!));
      assert.equal(coas.length, 1);
    });

    it('the window follows the configuration, for replies already cached too', async () => {
      const now = Math.floor(clock / 1000);
      const req = coa([text(Attr.AcctSessionId, 's'), int(Attr.EventTimestamp, now), mirror(1)]);
      const first = await request(req, ports.coaPort);
      await server.reconfigure({ ...base, coaPort: ports.coaPort, acctPort: ports.acctPort, eventTimestampWindow: 1000 });
      clock += 900_000;
      assert.ok((await request(req, ports.coaPort))?.equals(first!));
      assert.equal(coas.length, 1);
    });

    /** a server whose reply cache holds two replies, on the test's clock */
    const smallCacheServer = (): RadiusServer =>
      new RadiusServer({
        onCoa: async (r) => {
          coas.push(r);
          return { ok: true };
        },
        onAccounting: async () => undefined,
        now: () => clock,
        replyCacheSize: 2,
      });

    it('a full cache pushes the oldest reply out; a replay of it is dropped, never acted on again, while new requests are answered', async () => {
      const small = smallCacheServer();
      try {
        await small.reconfigure({ ...base, coaPort: 0, acctPort: 0 });
        const p = small.ports().coaPort;
        const now = (): number => Math.floor(clock / 1000);
        const withTs = (): Buffer => coa([text(Attr.AcctSessionId, 's'), int(Attr.EventTimestamp, now()), mirror(1)]);
        const a = withTs();
        const ra = await request(a, p);
        clock += 1000;
        const b = withTs();
        await request(b, p);
        clock += 1000;
        const c3 = withTs();
        const rc = await request(c3, p); // a is pushed out
        assert.equal(coas.length, 3);
        assert.ok(ra && rc);
        assert.equal(await request(a, p, { waitMs: 150 }), undefined, 'a replay of the pushed-out request is dropped');
        assert.ok((await request(c3, p))?.equals(rc), 'the newest reply is still cached');
        assert.equal(coas.length, 3);
        clock += 1000;
        const d = withTs();
        assert.equal(reply(await request(d, p), d).code, Code.CoaAck, 'a request with a newer timestamp is answered');
        assert.equal(coas.length, 4);
        assert.equal(small.counters().clients['127.0.0.1'].duplicates, 2);

        // without Event-Timestamp nothing tells a replay from a new request: until the
        // pushed-out reply's window ends, such requests not in the cache are dropped
        const plain = (): Buffer => coa([text(Attr.AcctSessionId, 'p'), mirror(1)]);
        const x = plain();
        await request(x, p);
        const y = plain();
        await request(y, p);
        const z = plain();
        await request(z, p); // x is pushed out
        assert.equal(coas.length, 7);
        assert.equal(await request(x, p, { waitMs: 150 }), undefined);
        const w = plain();
        assert.equal(await request(w, p, { waitMs: 150 }), undefined);
        assert.equal(coas.length, 7);
        clock += 301_000;
        assert.equal(await request(x, p, { waitMs: 150 }) !== undefined, true, 'after the window a request is handled again');
        assert.equal(coas.length, 8);
      } finally {
        await small.close();
      }
    });

    it('Accounting-Responses are cached apart: an accounting flood does not push CoA replies out', async () => {
      const small = smallCacheServer();
      try {
        await small.reconfigure({ ...base, coaPort: 0, acctPort: 0 });
        const req = coa([text(Attr.AcctSessionId, 's'), mirror(1)]);
        const first = await request(req, small.ports().coaPort);
        for (let i = 0; i < 5; i++) {
          const acct = encodeRequest(Code.AccountingRequest, 100 + i, [int(Attr.AcctStatusType, 3), text(Attr.AcctSessionId, `a${i}`)], SECRET);
          assert.ok(await request(acct, small.ports().acctPort));
        }
        assert.ok((await request(req, small.ports().coaPort))?.equals(first!));
        assert.equal(coas.length, 1);
      } finally {
        await small.close();
      }
    });

    it('a NAK that would exceed 4096 octets (many Proxy-State) is sent without its Error-Cause; a retransmission gets it from the cache', async () => {
      answer = async () => ({ ok: false, cause: ErrorCause.SessionContextNotFound });
      const ps = Array.from({ length: 16 }, (_, i) => ({ type: Attr.ProxyState, value: Buffer.alloc(i === 15 ? 246 : 253, i) }));
      const req = coa([text(Attr.AcctSessionId, '2'), ...ps], { code: Code.DisconnectRequest });
      assert.equal(req.length, 4096);
      const rep = reply(await request(req, ports.coaPort), req);
      assert.equal(rep.code, Code.DisconnectNak);
      assert.equal(errorCause(rep), undefined);
      assert.deepEqual(getAll(rep, Attr.ProxyState), ps.map((a) => a.value));
      const again = await request(req, ports.coaPort);
      assert.ok(again && again.equals(rep.raw!));
      assert.equal(coas.length, 1);
      // three octets less: the Error-Cause fits and is sent
      const fits = coa([text(Attr.AcctSessionId, '2'), ...ps.slice(0, 15), { type: Attr.ProxyState, value: Buffer.alloc(243) }], { code: Code.DisconnectRequest });
      const r2 = reply(await request(fits, ports.coaPort), fits);
      assert.equal(r2.raw!.length, 4096);
      assert.equal(errorCause(r2), 503);
    });

    it('a reply that cannot be built leaves no pending entry: the request is answered (506) and retransmissions get that answer', async () => {
      answer = async () => ({ ok: false, cause: 2 ** 33 });
      const req = coa([text(Attr.AcctSessionId, 's')]);
      const rep = await assertCoaNak(req, 506);
      assert.ok((await request(req, ports.coaPort))?.equals(rep.raw!));
      assert.equal(coas.length, 1);
    });
  });

  describe('accounting', () => {
    it('Start reaches the handler typed; Accounting-Response is signed', async () => {
      const req = encodeRequest(
        Code.AccountingRequest,
        9,
        [
          int(Attr.AcctStatusType, 1),
          text(Attr.AcctSessionId, '0000002a'),
          text(Attr.UserName, 'alice'),
          { type: Attr.FramedIpAddress, value: encodeIpv4('192.0.2.77') },
          { type: Attr.FramedIpv6Prefix, value: encodeIpv6Prefix('2001:db8:77::/48') },
          text(Attr.NasPortId, 'ge-1/0/0.100'),
        ],
        SECRET,
      );
      const rep = reply(await request(req, ports.acctPort), req);
      assert.equal(rep.code, Code.AccountingResponse);
      assert.deepEqual(accts[0], {
        client: '127.0.0.1',
        identifier: 9,
        status: 'start',
        acctSessionId: '0000002a',
        userName: 'alice',
        framedIp: '192.0.2.77',
        framedIpv6Prefix: '2001:db8:77::/48',
        nasPortId: 'ge-1/0/0.100',
      });
      const again = await request(req, ports.acctPort);
      assert.ok(again);
      assert.equal(accts.length, 1, 'retransmission not handed on again');
      const c = server.counters().clients['127.0.0.1'];
      assert.equal(c.accountingRequests, 1);
      assert.equal(c.accountingResponses, 1);
      assert.equal(c.duplicates, 1);
    });

    it('Stop, Interim-Update, Accounting-On/Off are typed; other status types are answered but not handed on', async () => {
      const statuses: [number, string | undefined][] = [
        [2, 'stop'],
        [3, 'interim-update'],
        [7, 'accounting-on'],
        [8, 'accounting-off'],
        [15, undefined],
      ];
      for (const [n] of statuses) {
        const req = encodeRequest(Code.AccountingRequest, n, [int(Attr.AcctStatusType, n), text(Attr.AcctSessionId, 'x')], SECRET);
        assert.equal(reply(await request(req, ports.acctPort), req).code, Code.AccountingResponse);
      }
      assert.deepEqual(
        accts.map((a) => a.status),
        ['stop', 'interim-update', 'accounting-on', 'accounting-off'],
      );
    });

    it('no answer when the request cannot be recorded or the handler fails; a retransmission is tried again', async () => {
      const noSession = encodeRequest(Code.AccountingRequest, 1, [int(Attr.AcctStatusType, 1)], SECRET);
      assert.equal(await request(noSession, ports.acctPort, { waitMs: 150 }), undefined);
      let fail = true;
      acctHandler = async () => {
        if (fail) throw new Error('disk full');
      };
      const req = encodeRequest(Code.AccountingRequest, 2, [int(Attr.AcctStatusType, 2), text(Attr.AcctSessionId, 'x')], SECRET);
      assert.equal(await request(req, ports.acctPort, { waitMs: 150 }), undefined);
      fail = false;
      assert.equal(reply(await request(req, ports.acctPort), req).code, Code.AccountingResponse);
      const c = server.counters().clients['127.0.0.1'];
      assert.equal(c.dropped.invalidRequest, 1);
      assert.equal(c.dropped.handlerFailed, 1);
      assert.equal(c.accountingResponses, 1);
    });
  });

  describe('accounting with attributes that do not decode (RFC 6929 2.8)', () => {
    it('a Latin-1 User-Name is left out; the Start is answered and recorded from the rest', async () => {
      const req = encodeRequest(
        Code.AccountingRequest,
        40,
        [int(Attr.AcctStatusType, 1), text(Attr.AcctSessionId, '4001'), { type: Attr.UserName, value: Buffer.from('6afc7267656e', 'hex') }, { type: Attr.FramedIpAddress, value: encodeIpv4('192.0.2.40') }],
        SECRET,
      );
      assert.equal(reply(await request(req, ports.acctPort), req).code, Code.AccountingResponse);
      assert.deepEqual(accts, [{ client: '127.0.0.1', identifier: 40, status: 'start', acctSessionId: '4001', framedIp: '192.0.2.40' }]);
      // a malformed address, or a twice-given one, is left out the same way
      const twice = encodeRequest(
        Code.AccountingRequest,
        41,
        [int(Attr.AcctStatusType, 3), text(Attr.AcctSessionId, '4001'), text(Attr.UserName, 'jurgen'), { type: Attr.FramedIpAddress, value: Buffer.alloc(3) }, text(Attr.NasPortId, 'a'), text(Attr.NasPortId, 'b')],
        SECRET,
      );
      assert.equal(reply(await request(twice, ports.acctPort), twice).code, Code.AccountingResponse);
      assert.deepEqual(accts[1], { client: '127.0.0.1', identifier: 41, status: 'interim-update', acctSessionId: '4001', userName: 'jurgen' });
      const c = server.counters().clients['127.0.0.1'];
      assert.equal(c.accountingResponses, 2);
      assert.equal(c.dropped.invalidRequest, 0);
    });

    it('an Acct-Session-Id that does not decode cannot be recorded: dropped and counted, as when it is absent', async () => {
      const req = encodeRequest(Code.AccountingRequest, 42, [int(Attr.AcctStatusType, 1), { type: Attr.AcctSessionId, value: Buffer.from('ff', 'hex') }], SECRET);
      assert.equal(await request(req, ports.acctPort, { waitMs: 150 }), undefined);
      assert.equal(server.counters().clients['127.0.0.1'].dropped.invalidRequest, 1);
      assert.equal(accts.length, 0);
    });
  });

  describe('accounting and Message-Authenticator', () => {
    it('a valid one is accepted (reply without one); a wrong one is dropped', async () => {
      const ok = encodeRequest(Code.AccountingRequest, 3, [int(Attr.AcctStatusType, 3), text(Attr.AcctSessionId, 'm')], SECRET, { messageAuthenticator: true });
      const rep = reply(await request(ok, ports.acctPort), ok);
      assert.equal(rep.code, Code.AccountingResponse);
      assert.equal(checkMessageAuthenticator(rep, SECRET, ok.subarray(4, 20)), 'absent');
      const bad = encodeRequest(Code.AccountingRequest, 4, [int(Attr.AcctStatusType, 3), text(Attr.AcctSessionId, 'm')], 'other', { messageAuthenticator: true });
      bad.fill(0, 4, 20);
      createHash('md5').update(bad).update(SECRET).digest().copy(bad, 4);
      assert.equal(await request(bad, ports.acctPort, { waitMs: 150 }), undefined);
      assert.equal(server.counters().clients['127.0.0.1'].dropped.badMessageAuthenticator, 1);
      assert.equal(accts.length, 1);
    });
  });

  it('logs never carry the handle, mediation address or port', async () => {
    const lines: string[] = [];
    const log = (m: string): void => {
      lines.push(m);
    };
    const logged = new RadiusServer({
      onCoa: async (r) => (r.liAction === 'start' ? { ok: true } : { ok: false, cause: 503 }),
      onAccounting: async () => undefined,
      logger: { debug: log, info: log, warn: log },
    });
    try {
      await logged.reconfigure({ ...base, coaPort: 0, acctPort: 0 });
      const p = logged.ports().coaPort;
      const handle = '4000beef';
      const mk = (action: 0 | 1 | 2, secret = SECRET): Buffer =>
        encodeRequest(
          Code.CoaRequest,
          action + 10,
          [text(Attr.AcctSessionId, 's'), encodeMirrorVsas({ liAction: action, medDevHandle: Buffer.from(handle, 'hex'), medIp: '203.0.113.99', medPort: 41999 }, secret)],
          secret,
        );
      await request(mk(1), p);
      await request(mk(0), p);
      await request(mk(1, 'wrong'), p, { waitMs: 100 });
      // an unexpected failure with the details in its message
      const failing = new RadiusServer({
        onCoa: async (r) => {
          throw new Error(`cannot mirror to ${r.medIp}:${r.medPort} handle ${r.medDevHandle!.toString('hex')}`);
        },
        onAccounting: async () => undefined,
        logger: { debug: log, info: log, warn: log },
      });
      await failing.reconfigure({ ...base, coaPort: 0, acctPort: 0 });
      await request(mk(2), failing.ports().coaPort);
      await failing.close();
      assert.ok(lines.some((l) => /NAK 503/.test(l)), 'the log does say what happened');
      assert.ok(lines.some((l) => /badAuthenticator/.test(l)));
      assert.ok(lines.some((l) => /handler failed/.test(l)));
      for (const l of lines) {
        assert.doesNotMatch(l, /beef|203\.0\.113\.99|41999/i, l);
      }
    } finally {
      await logged.close();
    }
  });

  describe('reconfiguration', () => {
    function freePort(): Promise<number> {
      return new Promise((resolve) => {
        const s = dgram.createSocket('udp4');
        s.bind(0, '127.0.0.1', () => {
          const p = s.address().port;
          s.close(() => resolve(p));
        });
      });
    }
    async function answers(port: number): Promise<boolean> {
      const req = coa([text(Attr.AcctSessionId, 's')]);
      return (await request(req, port, { waitMs: 150 })) !== undefined;
    }

    it('moves to new ports: the old port stops answering, the new one answers', async () => {
      const p = await freePort();
      const q = await freePort();
      await server.reconfigure({ ...base, coaPort: p, acctPort: q });
      assert.deepEqual(server.ports(), { coaPort: p, acctPort: q });
      assert.equal(await answers(p), true);
      assert.equal(await answers(ports.coaPort), false);
    });

    it('a port that cannot be bound fails prepare() with RadiusBindError and leaves the running listeners', async () => {
      const p = await freePort();
      await server.reconfigure({ ...base, coaPort: p, acctPort: ports.acctPort });
      const blocker = dgram.createSocket('udp4');
      await new Promise<void>((r) => blocker.bind(0, '127.0.0.1', () => r()));
      const taken = blocker.address().port;
      try {
        await assert.rejects(
          server.prepare({ ...base, coaPort: p, acctPort: taken }),
          (e: unknown) => e instanceof RadiusBindError && e.port === taken && e.code === 'EADDRINUSE' && e.tag === 'in-use' && /accounting port/.test(e.message),
        );
        assert.deepEqual(server.ports(), { coaPort: p, acctPort: ports.acctPort });
        assert.equal(await answers(p), true);
      } finally {
        blocker.close();
      }
    });

    it('abort() closes what prepare() opened; commit() swaps ports between the listeners', async () => {
      const p = await freePort();
      const prepared = await server.prepare({ ...base, coaPort: p, acctPort: ports.acctPort });
      prepared.abort();
      // p is free again: binding it ourselves works
      const s = dgram.createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(p, '127.0.0.1', () => resolve());
      });
      s.close();
      assert.equal(await answers(ports.coaPort), true);
      // swap: the CoA port becomes the accounting port and back
      const a = await freePort();
      const b = await freePort();
      await server.reconfigure({ ...base, coaPort: a, acctPort: b });
      await server.reconfigure({ ...base, coaPort: b, acctPort: a });
      assert.equal(await answers(b), true);
      assert.equal(await answers(a), false, 'a CoA on the accounting port is dropped');
    });

    it('invalid configurations are refused with invalid-value before anything is bound', async () => {
      await assert.rejects(server.prepare({ ...base, coaPort: 3799, acctPort: 3799 }), (e: unknown) => e instanceof AgentError && e.tag === 'invalid-value');
      await assert.rejects(server.prepare({ ...base, clients: [{ address: 'bng', secret: 'x' }] }), (e: unknown) => e instanceof AgentError && e.tag === 'invalid-value');
      await assert.rejects(server.prepare({ ...base, clients: [{ address: '192.0.2.1', secret: '' }] }), (e: unknown) => e instanceof AgentError && e.tag === 'invalid-value');
      await assert.rejects(server.prepare({ ...base, coaPort: 70000 }), (e: unknown) => e instanceof AgentError && e.tag === 'invalid-value');
    });

    it('clients are replaced at commit: a removed client is dropped, counters of kept clients survive', async () => {
      const req = coa([text(Attr.AcctSessionId, 's')]);
      await request(req, ports.coaPort);
      await server.reconfigure({ ...base, coaPort: ports.coaPort, acctPort: ports.acctPort, clients: [{ address: '127.0.0.1', secret: SECRET }, { address: '::1', secret: 'v6' }] });
      assert.equal(server.counters().clients['127.0.0.1'].acks, 1);
      assert.ok(server.counters().clients['::1']);
      await server.reconfigure({ ...base, coaPort: ports.coaPort, acctPort: ports.acctPort, clients: [{ address: '127.0.0.2', secret: SECRET }] });
      assert.equal(await answers(ports.coaPort), false);
      assert.deepEqual(Object.keys(server.counters().clients), ['127.0.0.2']);
      const fromTwo = coa([text(Attr.AcctSessionId, 's')]);
      assert.ok(await request(fromTwo, ports.coaPort, { from: '127.0.0.2' }));
    });
  });

  it('IPv6: bound on ::1, a client at ::1 is answered', async function () {
    const v6 = new RadiusServer({ onCoa: async () => ({ ok: true }), onAccounting: async () => undefined });
    try {
      await v6.reconfigure({ coaPort: 0, acctPort: 0, clients: [{ address: '0:0:0:0:0:0:0:1', secret: SECRET }], bindAddresses: ['::1'] });
    } catch (e) {
      if (e instanceof RadiusBindError && e.code === 'EADDRNOTAVAIL') this.skip();
      throw e;
    }
    try {
      const req = coa([text(Attr.AcctSessionId, 's')]);
      const rep = reply(await request(req, v6.ports().coaPort, { host: '::1' }), req);
      assert.equal(rep.code, Code.CoaAck);
      assert.equal(v6.counters().clients['::1'].acks, 1);
    } finally {
      await v6.close();
    }
  });

  it('default binding covers IPv4 and IPv6 on the same port', async () => {
    const all = new RadiusServer({ onCoa: async () => ({ ok: true }), onAccounting: async () => undefined });
    try {
      await all.reconfigure({ coaPort: 0, acctPort: 0, clients: [{ address: '127.0.0.1', secret: SECRET }] });
      const req = coa([text(Attr.AcctSessionId, 's')]);
      assert.equal(reply(await request(req, all.ports().coaPort), req).code, Code.CoaAck);
    } finally {
      await all.close();
    }
  });

  it('a packet whose header Length is below its datagram size is answered (padding ignored)', async () => {
    const req = coa([text(Attr.AcctSessionId, 's')]);
    const padded = Buffer.concat([req, Buffer.alloc(7)]);
    assert.equal(reply(await request(padded, ports.coaPort), req).code, Code.CoaAck);
    assert.ok(encodeRaw); // codec export used by the fuzz test
  });
});
