/**
 * The mirror service behind a real RadiusServer, driven by real RADIUS
 * packets (our codec as the client): which session a CoA or Disconnect
 * names (RFC 5176 section 3: every identification attribute must match
 * one session, else 503; several sessions: 508, nothing done), a
 * subscriber named by Framed-IPv6-Prefix, NAS identification (the
 * NAS-IP-Address / NAS-IPv6-Address / NAS-Identifier of a request must
 * name the NAS that reported the session, or this box as /access/nas-address
 * and nas-identifier name it, else 403), and
 * subscriber addresses that cannot be one subscriber's (::/0, 0.0.0.0 ...):
 * not learned from accounting, and no CoA mirrors them.
 */
import { strict as assert } from 'assert';
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadContext } from '../../src/yang/context';
import { parseXml } from '../../src/yang/data';
import { IMPLEMENTED_MODULES, searchPath } from '../../src/daemon/modules';
import { SerialQueue } from '../../src/datastore';
import type { DesiredState, MirrorSpec } from '../../src/dataplane';
import { MirrorService, StateStore } from '../../src/mirror';
import { RadiusServer, RadiusServerConfig } from '../../src/radius';
import {
  Attr,
  AttributeSpec,
  Code,
  decodePacket,
  encodeInteger,
  encodeIpv4,
  encodeIpv6,
  encodeIpv6Prefix,
  encodeMirrorVsas,
  encodeRequest,
  encodeText,
  getAll,
  verifyResponseAuthenticator,
} from '../../src/radius/codec';
import { parseXmlDocument } from '../../src/xml/dom';
import { render } from '../../src/cli/show/views';
import { renderTable } from '../../src/cli/show/table';
import { silentLogger } from '../../src/log';
import { radclient, radclientVersion, request } from '../radius/helpers';

const SECRET = 'testing123';

const config = (access: string): string => `
<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces" xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">
  <interface><name>vt0</name><type>ianaift:tunnel</type></interface>
</interfaces>
<services xmlns="urn:flowtapd:yang:services">
  <flow-tap/>
  <radius-flow-tap>
    <interfaces>vt0</interfaces>
    <source-ipv4-address>192.0.2.1</source-ipv4-address>
    <subscriber-interfaces>eth1</subscriber-interfaces>
  </radius-flow-tap>
</services>
<access xmlns="urn:flowtapd:yang:access">
  <radius-client><address>127.0.0.1</address><secret>${SECRET}</secret></radius-client>
  ${access}
</access>`;

class Double {
  readonly linkEvents = new EventEmitter();
  mirrors = new Map<string, MirrorSpec>();
  async prepare(d: DesiredState) {
    return { apply: async () => void (this.mirrors = new Map(d.mirrors.map((m) => [m.key, m]))), abort: async () => undefined };
  }
  async setMirror(key: string, spec: MirrorSpec | undefined) {
    if (spec) this.mirrors.set(key, spec);
    else this.mirrors.delete(key);
  }
  counters() {
    return undefined;
  }
  start() {}
  async close() {}
}

const text = (type: number, s: string): AttributeSpec => ({ type, value: encodeText(s) });
const ip = (s: string): AttributeSpec => ({ type: Attr.FramedIpAddress, value: encodeIpv4(s) });
const pfx = (s: string): AttributeSpec => ({ type: Attr.FramedIpv6Prefix, value: encodeIpv6Prefix(s) });
const rawPfx = (hex: string): AttributeSpec => ({ type: Attr.FramedIpv6Prefix, value: Buffer.from(hex, 'hex') });
const user = (s: string): AttributeSpec => text(Attr.UserName, s);
const sid = (s: string): AttributeSpec => text(Attr.AcctSessionId, s);
const ERX = { on: 1, off: 0, noop: 2 } as const;
const erx = (a: keyof typeof ERX, handle = '0000303900010932'): AttributeSpec =>
  encodeMirrorVsas({ liAction: ERX[a], medDevHandle: Buffer.from(handle, 'hex'), medIp: '203.0.113.99', medPort: 30030 }, SECRET);

describe('mirror service behind the RADIUS server: which session a request names, and which addresses may be mirrored', function () {
  this.timeout(10000);
  const ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
  let dir: string;
  let dp: Double;
  let svc: MirrorService;
  let radius: RadiusServer;
  let liLines: { event: string; [k: string]: unknown }[];
  let warnings: { event: string; [k: string]: unknown }[];
  let id = 0;

  const start = async (access = ''): Promise<void> => {
    const running = parseXml(ctx, config(access), { type: 'config' });
    dp = new Double();
    let mirror: MirrorService | undefined;
    radius = new RadiusServer({ onCoa: (r) => mirror!.onCoa(r), onAccounting: (r) => mirror!.onAccounting(r) });
    const port = {
      prepare: (cfg: RadiusServerConfig) => radius.prepare({ ...cfg, coaPort: 0, acctPort: 0, bindAddresses: ['127.0.0.1'] }),
      close: () => radius.close(),
    };
    mirror = svc = new MirrorService({
      ds: { get: () => running, queue: new SerialQueue() } as never,
      dataplane: dp,
      radius: port,
      store: new StateStore(dir),
      log: { ...silentLogger, warn: (event: string, f?: Record<string, unknown>) => void warnings.push({ event, ...f }), child: () => silentLogger } as never,
      publish: () => undefined,
      liLog: (event, fields) => void liLines.push({ event, ...fields }),
    });
    await svc.start();
  };

  /** Sends one request; the reply's code and Error-Cause (authenticator checked). */
  const send = async (code: number, attrs: AttributeSpec[], from?: string): Promise<{ code: number; cause?: number }> => {
    id = (id + 1) & 0xff;
    const req = encodeRequest(code, id, attrs, SECRET);
    const port = code === Code.AccountingRequest ? radius.ports().acctPort : radius.ports().coaPort;
    const rep = await request(req, port, { waitMs: 2000, from });
    assert.ok(rep, 'a reply');
    assert.equal(verifyResponseAuthenticator(rep, req.subarray(4, 20), SECRET), true);
    const p = decodePacket(rep);
    assert.ok(p.ok);
    const c = getAll(p.packet, Attr.ErrorCause)[0];
    return c ? { code: p.packet.code, cause: c.readUInt32BE(0) } : { code: p.packet.code };
  };
  const acct = async (status: 1 | 2 | 3, attrs: AttributeSpec[], from?: string): Promise<void> => {
    assert.deepEqual(await send(Code.AccountingRequest, [{ type: Attr.AcctStatusType, value: encodeInteger(status) }, ...attrs], from), { code: Code.AccountingResponse });
  };
  const coa = (attrs: AttributeSpec[]) => send(Code.CoaRequest, attrs);
  const disconnect = (attrs: AttributeSpec[]) => send(Code.DisconnectRequest, attrs);
  const ACK = { code: Code.CoaAck };
  const nak = (cause: number) => ({ code: Code.CoaNak, cause });
  const dnak = (cause: number) => ({ code: Code.DisconnectNak, cause });
  const subscriberIds = () => svc.subscribersState().map((s) => s['acct-session-id']);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftmr-'));
    liLines = [];
    warnings = [];
  });
  afterEach(async () => {
    await svc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('identification (RFC 5176 section 3)', () => {
    beforeEach(async () => {
      await start();
      await acct(1, [sid('1001'), user('alice'), ip('192.0.2.10'), text(Attr.NasPortId, 'ge-0/0/1.10'), text(Attr.CallingStationId, '00-11-22-33-44-10')]);
      await acct(1, [sid('2001'), user('carol'), ip('192.0.2.21'), pfx('2001:db8:21::/64'), text(Attr.NasPortId, 'ge-0/0/1.21'), text(Attr.CallingStationId, '00-11-22-33-44-21')]);
      assert.deepEqual(await coa([sid('2001'), erx('on')]), ACK);
      assert.ok(dp.mirrors.has('2001'));
    });

    it('a Disconnect whose User-Name and Framed-IP-Address contradict its Acct-Session-Id: NAK 503, subscriber and mirror kept', async () => {
      assert.deepEqual(await disconnect([sid('2001'), ip('192.0.2.99'), user('somebody-else')]), dnak(503));
      assert.deepEqual(subscriberIds(), ['1001', '2001']);
      assert.ok(dp.mirrors.has('2001'));
      assert.equal(svc.sessionsState().length, 1);
    });

    it('any one contradicting identification attribute beside Acct-Session-Id: CoA-NAK 503, nothing done', async () => {
      const wrong: [string, AttributeSpec][] = [
        ['User-Name', user('bob')],
        ['Framed-IP-Address', ip('192.0.2.22')],
        ['Framed-IPv6-Prefix', pfx('2001:db8:99::/64')],
        ['NAS-Port-Id', text(Attr.NasPortId, 'ge-0/0/1.99')],
        ['Calling-Station-Id', text(Attr.CallingStationId, '00-11-22-33-44-99')],
        // the session was learned without one: it cannot be said to match
        ['Called-Station-Id', text(Attr.CalledStationId, 'bng1')],
      ];
      for (const [name, a] of wrong) {
        assert.deepEqual(await coa([sid('1001'), a, erx('on')]), nak(503), name);
        assert.deepEqual(await disconnect([sid('1001'), a]), dnak(503), name);
      }
      assert.equal(dp.mirrors.has('1001'), false);
      assert.deepEqual(subscriberIds(), ['1001', '2001']);
      // the attributes that do match: the request is honoured
      assert.deepEqual(
        await coa([sid('1001'), user('alice'), ip('192.0.2.10'), text(Attr.NasPortId, 'ge-0/0/1.10'), text(Attr.CallingStationId, '00-11-22-33-44-10'), erx('on', '0000000500000005')]),
        ACK,
      );
      assert.deepEqual(dp.mirrors.get('1001')!.addresses, ['192.0.2.10']);
      // User-Name and Framed-IP-Address of two different sessions: none matches both
      assert.deepEqual(await disconnect([user('alice'), ip('192.0.2.21')]), dnak(503));
      assert.deepEqual(subscriberIds(), ['1001', '2001']);
    });

    it('a Disconnect whose attributes all match ends that subscriber and its mirror', async () => {
      assert.deepEqual(await disconnect([sid('2001'), user('carol'), ip('192.0.2.21'), pfx('2001:db8:21::/64')]), { code: Code.DisconnectAck });
      assert.deepEqual(subscriberIds(), ['1001']);
      assert.equal(dp.mirrors.has('2001'), false);
    });
  });

  describe('several sessions (RFC 5176 section 2.3)', () => {
    beforeEach(async () => {
      await start();
      await acct(1, [sid('5001'), user('frank'), ip('192.0.2.51')]);
      await acct(1, [sid('5002'), user('frank'), ip('192.0.2.52')]);
      // one address reported for two sessions (a stale session the NAS never stopped)
      await acct(1, [sid('6001'), user('gina'), ip('192.0.2.60')]);
      await acct(1, [sid('6002'), user('hank'), ip('192.0.2.60')]);
    });

    it('a CoA or Disconnect by a User-Name or a Framed-IP-Address of two sessions: NAK 508, nothing started or ended', async () => {
      assert.deepEqual(await coa([user('frank'), erx('on')]), nak(508));
      assert.deepEqual(await coa([ip('192.0.2.60'), erx('on')]), nak(508));
      assert.equal(dp.mirrors.size, 0);
      assert.equal(svc.sessionsState().length, 0);
      assert.deepEqual(await disconnect([user('frank')]), dnak(508));
      assert.deepEqual(await disconnect([ip('192.0.2.60')]), dnak(508));
      assert.deepEqual(subscriberIds(), ['5001', '5002', '6001', '6002']);
    });

    it('attributes that narrow it to one session: that one only', async () => {
      assert.deepEqual(await coa([user('frank'), ip('192.0.2.52'), erx('on')]), ACK);
      assert.deepEqual([...dp.mirrors.keys()], ['5002']);
      assert.deepEqual(await disconnect([ip('192.0.2.60'), user('hank')]), { code: Code.DisconnectAck });
      assert.deepEqual(subscriberIds(), ['5001', '5002', '6001']);
    });
  });

  describe('Framed-IPv6-Prefix names a subscriber', () => {
    it('a CoA naming an IPv6-only subscriber by its prefix: ACK, and a start mirrors that prefix', async () => {
      await start();
      await acct(1, [sid('3001'), user('dave'), pfx('2001:db8:2::/64')]);
      await acct(1, [sid('3002'), user('erin'), pfx('2001:db8:3::/64')]);
      assert.deepEqual(await coa([pfx('2001:db8:2::/64'), erx('noop')]), ACK);
      // bits past the length are not part of the prefix (decoded with them cleared)
      assert.deepEqual(await coa([rawPfx('004020010db8000200000000000000000001'), erx('on')]), ACK);
      assert.deepEqual([...dp.mirrors.keys()], ['3001']);
      assert.deepEqual(dp.mirrors.get('3001')!.addresses, ['2001:db8:2::/64']);
      // a prefix of nobody's, or of the wrong length: 503
      assert.deepEqual(await coa([pfx('2001:db8:4::/64'), erx('noop')]), nak(503));
      assert.deepEqual(await coa([pfx('2001:db8:2::/56'), erx('noop')]), nak(503));
      assert.deepEqual(await disconnect([pfx('2001:db8:3::/64'), user('erin')]), { code: Code.DisconnectAck });
      assert.deepEqual(subscriberIds(), ['3001']);
    });
  });

  describe('NAS identification (RFC 5176 section 3): the NAS that reported the session', () => {
    const nasIp = (a: string): AttributeSpec => ({ type: Attr.NasIpAddress, value: encodeIpv4(a) });
    const nasIpv6 = (a: string): AttributeSpec => ({ type: Attr.NasIpv6Address, value: encodeIpv6(a) });
    const nasId = (n: string): AttributeSpec => text(Attr.NasIdentifier, n);
    // two BNGs whose accounting reaches this box through one client address (a proxy, here 127.0.0.1)
    const bngs = async (): Promise<void> => {
      await acct(1, [sid('5001'), user('frank'), ip('192.0.2.51'), nasIp('192.0.2.1'), nasId('bng1')]);
      await acct(1, [sid('5002'), user('frank'), ip('192.0.2.52'), nasIp('192.0.2.2'), nasId('bng2'), nasIpv6('2001:db8::2')]);
    };

    it('each session remembers its NAS; a request naming another NAS gets NAK 403, nothing done; naming none, or the right one, is honoured', async () => {
      await start();
      await bngs();
      for (const a of [[nasIp('192.0.2.2')], [nasId('bng2')], [nasIpv6('2001:db8::2')], [nasIp('192.0.2.1'), nasId('bng2')], [nasIp('10.255.255.1')]]) {
        assert.deepEqual(await coa([sid('5001'), ...a, erx('on')]), nak(403));
        assert.deepEqual(await disconnect([sid('5001'), ...a]), dnak(403));
      }
      assert.equal(dp.mirrors.size, 0);
      assert.deepEqual(subscriberIds(), ['5001', '5002']);
      // no session named: 503 before any NAS is looked at
      assert.deepEqual(await coa([sid('9999'), nasIp('192.0.2.1'), erx('on')]), nak(503));
      assert.deepEqual(await coa([sid('5001'), nasIp('192.0.2.1'), nasId('bng1'), erx('noop')]), ACK);
      assert.deepEqual(await coa([sid('5002'), nasIpv6('2001:db8::2'), nasId('bng2'), erx('noop')]), ACK);
      // the address the accounting came from names its NAS too; an IPv4-mapped NAS-IPv6-Address is that IPv4 address
      assert.deepEqual(await coa([sid('5001'), nasIp('127.0.0.1'), erx('noop')]), ACK);
      assert.deepEqual(await coa([sid('5001'), nasIpv6('::ffff:192.0.2.1'), erx('noop')]), ACK);
      assert.deepEqual(await coa([sid('5001'), nasIpv6('::ffff:192.0.2.2'), erx('noop')]), nak(403));
      assert.deepEqual(await coa([sid('5001'), erx('on')]), ACK);
      assert.deepEqual([...dp.mirrors.keys()], ['5001']);
      const st = svc.subscribersState();
      assert.deepEqual(
        st.map((x) => [x['nas-identifier'], x['nas-ip-address'], x['nas-ipv6-address'], x['radius-client']]),
        [
          ['bng1', '192.0.2.1', undefined, '127.0.0.1'],
          ['bng2', '192.0.2.2', '2001:db8::2', '127.0.0.1'],
        ],
      );
    });

    it('the NAS narrows several sessions to one: a User-Name on two BNGs is 508 alone, one session with its NAS-Identifier', async () => {
      await start();
      await bngs();
      assert.deepEqual(await coa([user('frank'), erx('on')]), nak(508));
      assert.deepEqual(await coa([user('frank'), nasId('bng2'), erx('on')]), ACK);
      assert.deepEqual([...dp.mirrors.keys()], ['5002']);
      // the NAS they share (the proxy's address) does not narrow them
      assert.deepEqual(await disconnect([user('frank'), nasIp('127.0.0.1')]), dnak(508));
      // sessions match, but none on the NAS named: 403
      assert.deepEqual(await disconnect([user('frank'), nasId('bng3')]), dnak(403));
      assert.deepEqual(subscriberIds(), ['5001', '5002']);
    });

    it('the NAS follows accounting: a record naming none keeps it, one from another client without any clears it; saved across a restart', async () => {
      const second = `<radius-client><address>127.0.0.2</address><secret>${SECRET}</secret></radius-client>`;
      await start(second);
      await bngs();
      await acct(3, [sid('5001'), ip('192.0.2.61')]);
      assert.deepEqual(await coa([sid('5001'), nasId('bng1'), erx('noop')]), ACK);
      await svc.stop();
      await start(second);
      assert.deepEqual(await coa([sid('5001'), nasId('bng2'), erx('noop')]), nak(403));
      assert.deepEqual(await coa([sid('5001'), nasId('bng1'), ip('192.0.2.61'), erx('noop')]), ACK);
      // a record that names the NAS anew replaces all three
      await acct(3, [sid('5002'), nasId('bng3')]);
      assert.deepEqual(await coa([sid('5002'), nasIp('192.0.2.2'), erx('noop')]), nak(403));
      assert.deepEqual(await coa([sid('5002'), nasId('bng3'), erx('noop')]), ACK);
      const s = svc.subscribersState().find((x) => x['acct-session-id'] === '5002')!;
      assert.deepEqual([s['nas-identifier'], s['nas-ip-address'], s['nas-ipv6-address']], ['bng3', undefined, undefined]);
      // the session reported from another client, which names no NAS: that client is its NAS now
      await acct(3, [sid('5002')], '127.0.0.2');
      assert.deepEqual(await coa([sid('5002'), nasId('bng3'), erx('noop')]), nak(403));
      assert.deepEqual(await coa([sid('5002'), nasIp('127.0.0.1'), erx('noop')]), nak(403));
      assert.deepEqual(await coa([sid('5002'), nasIp('127.0.0.2'), erx('noop')]), ACK);
      assert.equal(svc.subscribersState().find((x) => x['acct-session-id'] === '5002')!['radius-client'], '127.0.0.2');
    });

    it('/access/nas-address and nas-identifier name this box: taken for every session, unless accounting reports that value as some NAS\'s', async () => {
      // 192.0.2.2 listed as the model once suggested for a BNG: it names bng2, whose sessions accounting reports
      await start('<nas-identifier>iap-1</nas-identifier><nas-address>203.0.113.1</nas-address><nas-address>2001:db8:ffff::1</nas-address><nas-address>192.0.2.2</nas-address>');
      await bngs();
      assert.deepEqual(await coa([sid('5001'), nasIp('203.0.113.1'), erx('noop')]), ACK);
      assert.deepEqual(await coa([sid('5001'), nasIpv6('2001:db8:ffff::1'), nasId('iap-1'), erx('noop')]), ACK);
      // the session's own NAS, though not listed
      assert.deepEqual(await coa([sid('5001'), nasIp('192.0.2.1'), erx('noop')]), ACK);
      assert.deepEqual(await coa([sid('5001'), nasIp('192.0.2.2'), erx('noop')]), nak(403));
      assert.deepEqual(await coa([sid('5001'), nasIp('10.255.255.1'), erx('noop')]), nak(403));
      assert.deepEqual(await coa([sid('5001'), nasId('iap-2'), erx('noop')]), nak(403));
      assert.deepEqual(await coa([sid('5002'), nasIp('192.0.2.2'), erx('noop')]), ACK);
    });

    it('radclient (dictionary.erx): accounting copies naming the NAS, then a CoA naming another NAS gets NAS-Identification-Mismatch', async function () {
      if (!radclientVersion()) this.skip();
      await start();
      const { acctPort, coaPort } = radius.ports();
      for (const [id, nas] of [['6001', 'bng1'], ['6002', 'bng2']]) {
        const r = await radclient('acct', acctPort, SECRET, ['Acct-Status-Type = Start', `Acct-Session-Id = "${id}"`, 'User-Name = "gina"', `Framed-IP-Address = 192.0.2.${id.slice(-1)}`, `NAS-Identifier = "${nas}"`, 'NAS-IP-Address = 192.0.2.1']);
        assert.match(r.stdout, /Received Accounting-Response/);
      }
      const mirror = ['ERX-LI-Action = on', 'ERX-Med-Dev-Handle = 0x0000303900010932', 'ERX-Med-Ip-Address = 203.0.113.99', 'ERX-Med-Port-Number = 30030'];
      let r = await radclient('coa', coaPort, SECRET, ['Acct-Session-Id = "6001"', 'NAS-Identifier = "bng2"', ...mirror]);
      assert.match(r.stdout, /Received CoA-NAK/);
      assert.match(r.stdout, /Error-Cause = NAS-Identification-Mismatch/);
      r = await radclient('coa', coaPort, SECRET, ['User-Name = "gina"', 'NAS-IP-Address = 192.0.2.1', ...mirror]);
      assert.match(r.stdout, /Error-Cause = Multiple-Session-Selection-Unsupported/);
      assert.equal(dp.mirrors.size, 0);
      r = await radclient('coa', coaPort, SECRET, ['User-Name = "gina"', 'NAS-IP-Address = 192.0.2.1', 'NAS-Identifier = "bng2"', ...mirror]);
      assert.match(r.stdout, /Received CoA-ACK/);
      assert.deepEqual([...dp.mirrors.keys()], ['6002']);
    });
  });

  describe('addresses that cannot be one subscriber\'s', () => {
    it('Framed-IPv6-Prefix ::/0 is not learned (counted, logged without the subscriber), and a CoA start for that subscriber is refused (501)', async () => {
      await start();
      await acct(1, [sid('4004'), user('ivan'), rawPfx('0000')]);
      const s = svc.subscribersState().find((x) => x['acct-session-id'] === '4004')!;
      assert.equal(s['framed-ipv6-prefix'], undefined);
      assert.deepEqual(s['refused-address'], ['::/0']);
      assert.equal(svc.refusedAddressCount(), 1);
      assert.deepEqual(warnings.map((w) => [w.event, w.attribute]), [['subscriber-address-refused', 'Framed-IPv6-Prefix']]);
      assert.equal(JSON.stringify(warnings).includes('4004'), false, 'the general log names no subscriber');
      assert.deepEqual(await coa([sid('4004'), erx('on', '0000000900000009')]), nak(501));
      assert.equal(dp.mirrors.size, 0);
      assert.equal(svc.sessionsState().length, 0);
      // a later record with a prefix that is one subscriber's: learned, and the start is honoured
      await acct(3, [sid('4004'), pfx('2001:db8:44::/56')]);
      assert.deepEqual(await coa([sid('4004'), erx('on', '0000000900000009')]), ACK);
      assert.deepEqual(dp.mirrors.get('4004')!.addresses, ['2001:db8:44::/56']);
    });

    it('the bounds: IPv6 shorter than /48, ::/8, link-local, multicast; IPv4 0.0.0.0, 255.255.255.255, loopback, multicast', async () => {
      await start();
      const refused: AttributeSpec[] = [
        pfx('2001:db8::/47'), pfx('2001::/32'), pfx('::/64'), pfx('::ffff:0:0/96'), pfx('fe80::/64'), pfx('ff02::/64'),
        ip('0.0.0.0'), ip('255.255.255.255'), ip('255.255.255.254'), ip('127.0.0.1'), ip('224.0.0.1'),
      ];
      for (const [i, a] of refused.entries()) await acct(1, [sid(`r${i}`), a]);
      assert.equal(svc.refusedAddressCount(), refused.length);
      for (const s of svc.subscribersState()) {
        assert.equal(s['framed-ip-address'] ?? s['framed-ipv6-prefix'], undefined, String(s['acct-session-id']));
        assert.equal((s['refused-address'] as string[]).length, 1);
      }
      for (let i = 0; i < refused.length; i++) assert.deepEqual(await coa([sid(`r${i}`), erx('on')]), nak(501));
      // a /48 delegated prefix and a /128 are one subscriber's
      await acct(1, [sid('ok48'), pfx('2001:db8:48::/48'), ip('192.0.2.48')]);
      await acct(1, [sid('ok128'), pfx('2001:db8:1::1/128')]);
      assert.deepEqual(await coa([sid('ok48'), erx('on')]), ACK);
      assert.deepEqual(await coa([sid('ok128'), erx('on', '0000000500000005')]), ACK);
      assert.equal(svc.refusedAddressCount(), refused.length);
    });

    it('an Interim-Update that brings ::/0 to a mirrored subscriber: the mirror keeps its IPv4 address only, never ::/0 (li-audit.log says so)', async () => {
      await start();
      await acct(1, [sid('7001'), user('judy'), ip('192.0.2.70'), pfx('2001:db8:70::/64')]);
      assert.deepEqual(await coa([sid('7001'), erx('on')]), ACK);
      assert.deepEqual(dp.mirrors.get('7001')!.addresses, ['192.0.2.70', '2001:db8:70::/64']);
      await acct(3, [sid('7001'), rawPfx('0000')]);
      assert.deepEqual(dp.mirrors.get('7001')!.addresses, ['192.0.2.70']);
      assert.deepEqual(svc.sessionsState()[0]['subscriber-address'], ['192.0.2.70']);
      assert.deepEqual(liLines.filter((l) => l.event === 'mirror-address-refused').map((l) => l.acctSessionId), ['7001']);
      // and a new start for it is refused while the address stands
      assert.deepEqual(await coa([sid('7001'), erx('on', '0000000500000005')]), nak(501));
    });

    it('tables saved before the check: a saved ::/0 is neither mirrored nor learned after a restart', async () => {
      const store = new StateStore(dir);
      store.load();
      await store.save(
        () => [{ acctSessionId: '4004', framedIp: '192.0.2.44', framedIpv6Prefix: '::/0', client: '127.0.0.1', startTime: '2026-12-01T00:00:00.000Z' }],
        () => [{ acctSessionId: '4004', addresses: ['192.0.2.44', '::/0'], handle: '0000000900000009', interceptId: 9, sessionId: 9, medIp: '203.0.113.99', medPort: 30030, tunnel: 'vt0', group: 0, startTime: '2026-12-01T00:00:00.000Z' }],
      );
      await store.close();
      await start();
      assert.deepEqual(dp.mirrors.get('4004')!.addresses, ['192.0.2.44']);
      const s = svc.subscribersState()[0];
      assert.equal(s['framed-ipv6-prefix'], undefined);
      assert.deepEqual(s['refused-address'], ['::/0']);
      assert.deepEqual(await coa([sid('4004'), user('x')]), nak(503));
      assert.deepEqual(await coa([sid('4004'), erx('on', '0000000900000009')]), nak(501));
    });

    it('show sessions prints each mirrored address with its length', async () => {
      await start();
      await acct(1, [sid('8001'), user('kim'), ip('192.0.2.80'), pfx('2001:db8:31::/56')]);
      assert.deepEqual(await coa([sid('8001'), erx('on')]), ACK);
      const st = svc.sessionsState()[0];
      assert.deepEqual(st['subscriber-prefix'], ['192.0.2.80/32', '2001:db8:31::/56']);
      const xml = `<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><data><services xmlns="urn:flowtapd:yang:services"><radius-flow-tap><sessions><session>
        <acct-session-id>8001</acct-session-id><user-name>kim</user-name>
        ${(st['subscriber-address'] as string[]).map((a) => `<subscriber-address>${a}</subscriber-address>`).join('')}
        ${(st['subscriber-prefix'] as string[]).map((a) => `<subscriber-prefix>${a}</subscriber-prefix>`).join('')}
        <state>active</state><tunnel-interface>vt0</tunnel-interface><packets>0</packets><bytes>0</bytes><policy-drops>0</policy-drops>
      </session></sessions></radius-flow-tap></services></data></rpc-reply>`;
      const out = render('sessions', parseXmlDocument(xml), renderTable).text;
      assert.match(out, /8001\s+kim\s+192\.0\.2\.80\/32,2001:db8:31::\/56\s+vt0/);
    });
  });
});
