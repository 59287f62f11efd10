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
  /** every address any mirror was ever installed with (whatever path) */
  mirrored = new Set<string>();
  failNext = false;
  async prepare(d: DesiredState) {
    for (const m of d.mirrors) for (const a of m.addresses) this.mirrored.add(a);
    return { apply: async () => void (this.mirrors = new Map(d.mirrors.map((m) => [m.key, m]))), abort: async () => undefined };
  }
  async setMirror(key: string, spec: MirrorSpec | undefined) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('RTNETLINK answers: No buffer space available');
    }
    for (const a of spec?.addresses ?? []) this.mirrored.add(a);
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
  let published: Record<string, unknown>[];
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
      log: {
        ...silentLogger,
        warn: (event: string, f?: Record<string, unknown>) => void warnings.push({ event, ...f }),
        error: (event: string, f?: Record<string, unknown>) => void warnings.push({ event, level: 'error', ...f }),
        child: () => silentLogger,
      } as never,
      publish: (e) => void published.push(e['flowtapd-services:mirror-session-event'] as Record<string, unknown>),
      liLog: (event, fields) => void liLines.push({ event, ...fields }),
      retryDelayMs: 50,
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
  /** Acct-Status-Type 1 Start, 2 Stop, 3 Interim-Update, 7 Accounting-On, 8 Accounting-Off */
  const acct = async (status: 1 | 2 | 3 | 7 | 8, attrs: AttributeSpec[], from?: string): Promise<void> => {
    assert.deepEqual(await send(Code.AccountingRequest, [{ type: Attr.AcctStatusType, value: encodeInteger(status) }, ...attrs], from), { code: Code.AccountingResponse });
  };
  const coa = (attrs: AttributeSpec[]) => send(Code.CoaRequest, attrs);
  const disconnect = (attrs: AttributeSpec[]) => send(Code.DisconnectRequest, attrs);
  const ACK = { code: Code.CoaAck };
  const nak = (cause: number) => ({ code: Code.CoaNak, cause });
  const dnak = (cause: number) => ({ code: Code.DisconnectNak, cause });
  const subscriberIds = () => svc.subscribersState().map((s) => s['acct-session-id']);
  /** the row of `id` as the state files hold it (the snapshot, then the journal's lines) */
  const lastSet = (table: 'subscribers' | 'mirrors', id: string): Record<string, unknown> => {
    const state = path.join(dir, 'state');
    const snapshot = fs.existsSync(path.join(state, `${table}.json`)) ? (JSON.parse(fs.readFileSync(path.join(state, `${table}.json`), 'utf8')) as { acctSessionId: string }[]) : [];
    let row = snapshot.find((r) => r.acctSessionId === id) as Record<string, unknown> | undefined;
    const journal = fs.existsSync(path.join(state, 'changes.journal')) ? fs.readFileSync(path.join(state, 'changes.journal'), 'utf8') : '';
    for (const line of journal.split('\n').filter(Boolean)) {
      for (const op of (JSON.parse(line)[table] ?? []) as { set?: { acctSessionId: string }; del?: string }[]) {
        if (op.set?.acctSessionId === id) row = op.set;
        if (op.del === id) row = undefined;
      }
    }
    assert.ok(row, `${id} in ${table}`);
    return row;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftmr-'));
    liLines = [];
    warnings = [];
    published = [];
  });
  afterEach(async () => {
    await svc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a CoA that fails unexpectedly (a defect, not a CoaError): NAK, and the error only in li-audit.log, not in the general log (it would tell a CoA came)', async () => {
    await start();
    await acct(1, [sid('9001'), user('alice'), ip('192.0.2.91')]);
    (svc as unknown as { coa: () => Promise<void> }).coa = async () => {
      throw new TypeError('cannot read 9001 of undefined');
    };
    const r = await coa([sid('9001'), erx('on')]);
    assert.equal(r.code, Code.CoaNak);
    assert.deepEqual(warnings, []);
    const failed = liLines.filter((l) => l.event === 'coa-failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].error, 'cannot read 9001 of undefined');
    assert.match(String(failed[0].stack), /TypeError/);
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
      // the session reported from another client, which names no NAS: that client is its NAS now (another NAS: a new session)
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

  describe('an Acct-Session-Id reused by another NAS or User-Name: a mirror never follows another subscriber', () => {
    const nasIp = (a: string): AttributeSpec => ({ type: Attr.NasIpAddress, value: encodeIpv4(a) });
    const nasIpv6 = (a: string): AttributeSpec => ({ type: Attr.NasIpv6Address, value: encodeIpv6(a) });
    const nasId = (n: string): AttributeSpec => text(Attr.NasIdentifier, n);
    const second = `<radius-client><address>127.0.0.2</address><secret>${SECRET}</secret></radius-client>`;
    // bng1 and bng2 behind one proxy (127.0.0.1)
    const BNG1 = [nasIp('192.0.2.1'), nasId('bng1')];
    const BNG2 = [nasIp('192.0.2.2'), nasId('bng2')];
    const mirrorAlice = async (): Promise<void> => {
      await acct(1, [sid('9001'), user('alice'), ip('192.0.2.91'), text(Attr.NasPortId, 'ge-0/0/1.91'), ...BNG1]);
      assert.deepEqual(await coa([sid('9001'), erx('on')]), ACK);
      assert.deepEqual(dp.mirrors.get('9001')!.addresses, ['192.0.2.91']);
    };
    const stopped = (): unknown[][] => published.filter((e) => e.event === 'stopped').map((e) => [e['acct-session-id'], e.reason]);
    const liStopped = (): unknown[][] => liLines.filter((l) => l.event === 'mirror-event' && l['session-event'] === 'stopped').map((l) => [l['acct-session-id'], l.reason]);
    const sub = (sessionId: string): Record<string, unknown> => svc.subscribersState().find((x) => x['acct-session-id'] === sessionId)!;
    const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
    const waitFor = async (cond: () => boolean): Promise<void> => {
      for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(cond(), 'the retry brought the kernel to the tables');
    };

    it('a Start from another NAS for another user: the mirror stops before the record is taken (never on the new address); the session is the new one\'s, with a new start-time', async () => {
      await start();
      await mirrorAlice();
      const t0 = sub('9001')['start-time'];
      await tick();
      await acct(1, [sid('9001'), user('bob'), ip('192.0.2.92'), ...BNG2]);
      assert.equal(dp.mirrors.size, 0);
      assert.equal(dp.mirrored.has('192.0.2.92'), false, 'the new subscriber\'s address never reached the dataplane');
      assert.deepEqual(svc.sessionsState(), []);
      const reason = 'Acct-Session-Id reused by another NAS and user';
      assert.deepEqual(stopped(), [['9001', reason]]);
      assert.deepEqual(liStopped(), [['9001', reason]]);
      const s = sub('9001');
      assert.deepEqual(
        [s['user-name'], s['framed-ip-address'], s['nas-ip-address'], s['nas-identifier'], s['nas-port-id']],
        ['bob', '192.0.2.92', '192.0.2.2', 'bng2', undefined],
        'nothing of the old session is kept',
      );
      assert.notEqual(s['start-time'], t0);
      // the general log: a warning that names the client and what differed, no subscriber, and nothing of the mirror
      assert.deepEqual(warnings, [{ event: 'acct-session-id-reused', client: '127.0.0.1', by: 'another NAS and user' }]);
      // the stop names neither the new subscriber nor its address in the LI log
      assert.equal(JSON.stringify(liLines).includes('bob'), false);
      // a reuse of a session that is not mirrored gets the very same warning (the general log tells nothing of mirrors)
      await acct(1, [sid('9002'), user('carl'), ip('192.0.2.93'), ...BNG1]);
      await acct(1, [sid('9002'), user('dora'), ip('192.0.2.94'), ...BNG2]);
      assert.deepEqual(warnings[1], warnings[0]);
      assert.equal(stopped().length, 1);
    });

    it('a Stop from another NAS, or for another user, ends that one\'s session, not the one stored: the mirror goes on; the session\'s own Stop ends it', async () => {
      await start();
      await mirrorAlice();
      await acct(2, [sid('9001'), user('bob'), ...BNG2]);
      await acct(2, [sid('9001'), user('carl'), ...BNG1]);
      await acct(2, [sid('9001'), nasId('bng2')]);
      assert.deepEqual(dp.mirrors.get('9001')?.addresses, ['192.0.2.91']);
      assert.deepEqual(stopped(), []);
      assert.equal(sub('9001')['user-name'], 'alice');
      assert.deepEqual(
        warnings.map((w) => w.by),
        ['another NAS and user', 'another user', 'another NAS'],
      );
      assert.ok(warnings.every((w) => w.event === 'acct-session-id-reused' && w.status === 'stop' && w.then === 'ignored'));
      await acct(2, [sid('9001'), user('alice'), ...BNG1]);
      assert.equal(dp.mirrors.size, 0);
      assert.deepEqual(stopped(), [['9001', 'accounting stop']]);
      assert.equal(sub('9001'), undefined);
    });

    it('an Interim-Update from the same NAS for another User-Name after a lost Stop, with the same address: the mirror stops (reason another user)', async () => {
      await start();
      await mirrorAlice();
      await acct(3, [sid('9001'), user('carl'), ip('192.0.2.91'), ...BNG1]);
      assert.equal(dp.mirrors.size, 0, 'carl, who got alice\'s address, is not mirrored');
      assert.deepEqual(stopped(), [['9001', 'Acct-Session-Id reused by another user']]);
      assert.equal(sub('9001')['user-name'], 'carl');
      assert.deepEqual(await coa([sid('9001'), user('alice'), erx('noop')]), nak(503));
    });

    it('the same subscriber\'s new address (same NAS, same User-Name) is followed; a record without User-Name or NAS attributes compares what both have', async () => {
      await start();
      await mirrorAlice();
      const t0 = sub('9001')['start-time'];
      await tick();
      const follows = async (attrs: AttributeSpec[], addr: string): Promise<void> => {
        await acct(3, [sid('9001'), ...attrs, ip(addr)]);
        assert.deepEqual(dp.mirrors.get('9001')?.addresses, [addr], JSON.stringify(attrs));
      };
      await follows([user('alice'), ...BNG1], '192.0.2.93');
      await follows([], '192.0.2.94');
      await follows([nasId('bng1')], '192.0.2.95');
      // an IPv4-mapped NAS-IPv6-Address is that IPv4 address, as in NAS identification
      await follows([user('alice'), nasIpv6('::ffff:192.0.2.1')], '192.0.2.96');
      // the client address the session's accounting came from names its NAS too
      await follows([nasIpv6('::ffff:127.0.0.1')], '192.0.2.97');
      assert.deepEqual(stopped(), []);
      assert.deepEqual(warnings, []);
      const s = sub('9001');
      assert.equal(s['start-time'], t0);
      // what each record named of the same NAS is kept
      assert.deepEqual([s['nas-ip-address'], s['nas-ipv6-address'], s['nas-identifier'], s['nas-port-id']], ['192.0.2.1', '::ffff:127.0.0.1', 'bng1', 'ge-0/0/1.91']);
      // a NAS-Identifier alone that is not this session's: another NAS
      await acct(3, [sid('9001'), nasId('bng2'), ip('192.0.2.98')]);
      assert.equal(dp.mirrors.size, 0);
      assert.equal(dp.mirrored.has('192.0.2.98'), false);
      assert.deepEqual(stopped(), [['9001', 'Acct-Session-Id reused by another NAS']]);
    });

    it('the new address of the mirrored subscriber that the dataplane refuses: answered and taken as for any subscriber; the retry installs it', async () => {
      await start();
      await mirrorAlice();
      dp.failNext = true;
      await acct(3, [sid('9001'), user('alice'), ip('192.0.2.93'), ...BNG1]);
      assert.equal(sub('9001')['framed-ip-address'], '192.0.2.93');
      assert.deepEqual(svc.sessionsState()[0]['subscriber-address'], ['192.0.2.93']);
      assert.deepEqual(svc.status()['dataplane-error'], 'RTNETLINK answers: No buffer space available');
      assert.ok(liLines.some((l) => l.event === 'dataplane-failed'));
      await waitFor(() => dp.mirrors.get('9001')?.addresses.join() === '192.0.2.93');
      assert.equal(svc.status()['dataplane-error'], undefined);
    });

    it('another RADIUS client: with the session\'s NAS identification it is the same NAS (a second proxy); naming none, that client is another NAS', async () => {
      await start(second);
      await mirrorAlice();
      await acct(3, [sid('9001'), user('alice'), ip('192.0.2.93'), ...BNG1], '127.0.0.2');
      assert.deepEqual(dp.mirrors.get('9001')?.addresses, ['192.0.2.93']);
      assert.equal(sub('9001')['radius-client'], '127.0.0.2');
      await acct(1, [sid('9002'), user('erin'), ip('192.0.2.100'), ...BNG2]);
      assert.deepEqual(await coa([sid('9002'), erx('on', '0000000500000005')]), ACK);
      await acct(3, [sid('9002'), ip('192.0.2.101')], '127.0.0.2');
      assert.equal(dp.mirrors.has('9002'), false);
      assert.equal(dp.mirrored.has('192.0.2.101'), false);
      assert.deepEqual(stopped(), [['9002', 'Acct-Session-Id reused by another NAS']]);
      assert.deepEqual(dp.mirrors.get('9001')?.addresses, ['192.0.2.93']);
    });

    it('filters that cannot be removed: answered and taken as for a session not mirrored; the mirror is stopped, the retry removes its filters', async () => {
      await start();
      await mirrorAlice();
      dp.failNext = true;
      await acct(1, [sid('9001'), user('bob'), ip('192.0.2.92'), ...BNG2]);
      assert.equal(sub('9001')['user-name'], 'bob');
      assert.deepEqual(svc.sessionsState(), []);
      assert.deepEqual(stopped(), [['9001', 'Acct-Session-Id reused by another NAS and user']]);
      assert.deepEqual(warnings, [{ event: 'acct-session-id-reused', client: '127.0.0.1', by: 'another NAS and user' }]);
      assert.ok(liLines.some((l) => l.event === 'dataplane-failed'));
      await waitFor(() => dp.mirrors.size === 0);
      assert.equal(dp.mirrored.has('192.0.2.92'), false);
    });

    it('a dataplane that refuses: what a user outside the LI groups sees (subscribers, the public RADIUS counters, the general log, the answer) is the same whether or not the session is mirrored', async () => {
      // [name, the record the dataplane fails on]
      const records: [string, () => Promise<void>][] = [
        ['new address', () => acct(3, [sid('9001'), user('alice'), ip('192.0.2.93'), ...BNG1])],
        ['reused by another NAS and user', () => acct(1, [sid('9001'), user('bob'), ip('192.0.2.92'), ...BNG2])],
        ['reused by another user (Interim)', () => acct(3, [sid('9001'), user('carl'), ip('192.0.2.91'), ...BNG1])],
        ['accounting stop', () => acct(2, [sid('9001'), user('alice'), ...BNG1])],
        ['accounting-on', () => acct(7, [...BNG1])],
      ];
      const publicView = (): unknown => {
        const c = radius.counters().clients['127.0.0.1'];
        return {
          subscribers: svc.subscribersState().map((x) => ({ ...x, 'start-time': typeof x['start-time'] })),
          // what radius-statistics gives a user outside the LI groups (the CoA counters are default-deny-all)
          counters: { accountingRequests: c.accountingRequests, accountingResponses: c.accountingResponses, dropped: c.dropped },
          refused: svc.refusedAddressCount(),
          warnings,
        };
      };
      for (const [name, record] of records) {
        const seen: unknown[] = [];
        for (const mirrored of [false, true]) {
          warnings = [];
          await start();
          await acct(1, [sid('9001'), user('alice'), ip('192.0.2.91'), text(Attr.NasPortId, 'ge-0/0/1.91'), ...BNG1]);
          if (mirrored) assert.deepEqual(await coa([sid('9001'), erx('on')]), ACK);
          dp.failNext = true;
          // acct asserts the Accounting-Response
          await record();
          seen.push(publicView());
          if (mirrored) await waitFor(() => !dp.mirrors.has('9001') || dp.mirrors.get('9001')!.addresses.join() === '192.0.2.93');
          await svc.stop();
          fs.rmSync(dir, { recursive: true, force: true });
          fs.mkdirSync(dir);
        }
        assert.deepEqual(seen[1], seen[0], name);
      }
    });

    it('across a restart: the saved session and mirror remember the NAS, and a reuse after the restart stops the mirror, which stays stopped', async () => {
      await start();
      await mirrorAlice();
      await svc.stop();
      await start();
      assert.deepEqual(dp.mirrors.get('9001')?.addresses, ['192.0.2.91']);
      await acct(3, [sid('9001'), ip('192.0.2.92'), ...BNG2]);
      assert.equal(dp.mirrors.size, 0);
      assert.equal(dp.mirrored.has('192.0.2.92'), false);
      assert.deepEqual(stopped(), [['9001', 'Acct-Session-Id reused by another NAS']]);
      await svc.stop();
      await start();
      assert.equal(dp.mirrors.size, 0);
      assert.equal(sub('9001')['nas-identifier'], 'bng2');
    });

    it('tables torn by a crash between their writes: a mirror whose saved subscriber is another one, or whose subscriber row is gone, is not installed at start', async () => {
      const store = new StateStore(dir);
      store.load();
      const T = '2026-12-01T00:00:00.000Z';
      const mirror = (key: string, addr: string, handle: number) => ({
        acctSessionId: key, userName: 'alice', addresses: [addr], handle: handle.toString(16).padStart(16, '0'), interceptId: handle, sessionId: handle,
        medIp: '203.0.113.99', medPort: 30030, tunnel: 'vt0', group: handle, startTime: T, nasIp: '192.0.2.1', nasIdentifier: 'bng1', client: '127.0.0.1',
      });
      await store.save(
        // 9001 is bob's on bng2 now (with alice's old address); 9003's row is gone
        () => [{ acctSessionId: '9001', userName: 'bob', framedIp: '192.0.2.91', nasIp: '192.0.2.2', nasIdentifier: 'bng2', client: '127.0.0.1', startTime: T }],
        () => [mirror('9001', '192.0.2.91', 1), mirror('9003', '192.0.2.99', 3)],
      );
      await store.close();
      await start();
      assert.deepEqual([...dp.mirrors.keys()], []);
      assert.equal(dp.mirrored.has('192.0.2.91'), false, 'never installed for bob');
      assert.equal(dp.mirrored.has('192.0.2.99'), false, 'nor for the session that ended');
      assert.deepEqual(liStopped(), [['9001', 'Acct-Session-Id reused by another NAS and user'], ['9003', 'its subscriber\'s session ended (saved before a crash)']]);
      await acct(1, [sid('9003'), user('bob'), ip('192.0.2.102'), ...BNG2]);
      assert.equal(dp.mirrors.size, 0);
      assert.equal(dp.mirrored.has('192.0.2.102'), false);
      await svc.stop();
      await start();
      assert.equal(dp.mirrors.size, 0);
      assert.deepEqual(svc.sessionsState(), []);
    });

    it('a Stop from another NAS for a mirror saved without its subscriber row (torn tables): no general-log line, as for an unknown Acct-Session-Id (the mirror was stopped at start)', async () => {
      const store = new StateStore(dir);
      store.load();
      const T = '2026-12-01T00:00:00.000Z';
      await store.save(
        () => [],
        () => [{ acctSessionId: '9003', userName: 'alice', addresses: ['192.0.2.99'], handle: '0000000000000003', interceptId: 3, sessionId: 3, medIp: '203.0.113.99', medPort: 30030, tunnel: 'vt0', group: 3, startTime: T, nasIp: '192.0.2.1', nasIdentifier: 'bng1', client: '127.0.0.1' }],
      );
      await store.close();
      await start();
      await acct(2, [sid('9004'), user('bob'), ...BNG2]);
      await acct(2, [sid('9003'), user('bob'), ...BNG2]);
      assert.deepEqual(warnings, [], 'the general log says the same for both');
      assert.deepEqual([...dp.mirrors.keys()], []);
      assert.deepEqual(stopped(), [['9003', 'its subscriber\'s session ended (saved before a crash)']]);
    });

    it('tables written before mirrors remembered their NAS (no NAS fields, no client in a mirror): a start installs them; the same NAS\'s records keep them and are learned, another NAS\'s stops them', async () => {
      const store = new StateStore(dir);
      store.load();
      const T = '2026-12-01T00:00:00.000Z';
      // the format of 2026-12-05: a subscriber with its client, a mirror with its User-Name only
      const old = (key: string, addr: string, h: number) => ({
        acctSessionId: key, userName: `u${key}`, addresses: [addr], handle: h.toString(16).padStart(16, '0'), interceptId: h, sessionId: h,
        medIp: '203.0.113.99', medPort: 30030, tunnel: 'vt0', group: h, startTime: T,
      });
      await store.save(
        () => [
          { acctSessionId: '9201', userName: 'u9201', framedIp: '192.0.2.121', nasPortId: 'ge-0/0/1.1', client: '127.0.0.1', startTime: T },
          { acctSessionId: '9202', userName: 'u9202', framedIp: '192.0.2.122', client: '127.0.0.1', startTime: T },
        ],
        () => [old('9201', '192.0.2.121', 1), old('9202', '192.0.2.122', 2)],
      );
      await store.close();
      await start(second);
      assert.deepEqual([...dp.mirrors.keys()].sort(), ['9201', '9202']);
      // the same client naming its NAS: the same session, learned
      await acct(3, [sid('9201'), user('u9201'), ...BNG1]);
      assert.ok(dp.mirrors.has('9201'));
      assert.equal(sub('9201')['nas-identifier'], 'bng1');
      // another client (another NAS) reusing 9202: stopped
      await acct(1, [sid('9202'), user('u9202'), ip('192.0.2.123')], '127.0.0.2');
      assert.equal(dp.mirrors.has('9202'), false);
      assert.equal(dp.mirrored.has('192.0.2.123'), false);
      await svc.stop();
      await start(second);
      assert.deepEqual([...dp.mirrors.keys()], ['9201']);
      // what 9201 learned is kept: bng2 behind the same proxy is another NAS now
      await acct(3, [sid('9201'), user('u9201'), ip('192.0.2.124'), ...BNG2]);
      assert.equal(dp.mirrors.size, 0);
      assert.equal(dp.mirrored.has('192.0.2.124'), false);
    });

    it('an address change torn between the two tables (the subscriber row has the new address, the mirror the old: a crash between the two snapshots of a fold, or a directory of the per-table journals): at start the mirror follows the subscriber\'s, never the old one', async () => {
      await start();
      await mirrorAlice();
      await svc.stop();
      // an Interim-Update moving alice to .93 in the subscriber table only
      const row = lastSet('subscribers', '9001');
      fs.appendFileSync(path.join(dir, 'state', 'changes.journal'), JSON.stringify({ subscribers: [{ set: { ...row, framedIp: '192.0.2.93' } }] }) + '\n');
      await start();
      assert.deepEqual(dp.mirrors.get('9001')?.addresses, ['192.0.2.93']);
      assert.equal(dp.mirrored.has('192.0.2.91'), false, 'the address alice left is not mirrored');
      await svc.stop();
      await start();
      assert.deepEqual(dp.mirrors.get('9001')?.addresses, ['192.0.2.93']);
      assert.deepEqual(svc.sessionsState().map((m) => m['subscriber-address']), [['192.0.2.93']]);
    });

    it('an Accounting-On torn between the two tables (subscriber rows gone, mirrors not): at start those mirrors are stopped, not installed again (the retransmitted On finds no subscriber of theirs)', async () => {
      await start();
      await mirrorAlice();
      await acct(1, [sid('9002'), user('bob'), ip('192.0.2.92'), ...BNG2]);
      assert.deepEqual(await coa([sid('9002'), erx('on', '0000000500000005')]), ACK);
      await svc.stop();
      // bng1's Accounting-On: the subscriber's delete on disk, the mirror's not
      fs.appendFileSync(path.join(dir, 'state', 'changes.journal'), JSON.stringify({ subscribers: [{ del: '9001' }] }) + '\n');
      await start();
      assert.deepEqual(subscriberIds(), ['9002']);
      assert.deepEqual([...dp.mirrors.keys()], ['9002']);
      assert.equal(dp.mirrored.has('192.0.2.91'), false, 'the ended session\'s address is not mirrored again');
      assert.deepEqual(stopped(), [['9001', 'its subscriber\'s session ended (saved before a crash)']]);
      // not answered before the crash: the NAS sends it again
      await acct(7, BNG1);
      assert.deepEqual([...dp.mirrors.keys()], ['9002']);
      await svc.stop();
      await start();
      assert.deepEqual([...dp.mirrors.keys()], ['9002']);
      assert.deepEqual(svc.sessionsState().map((m) => m['acct-session-id']), ['9002']);
    });

    it('Accounting-On/Off end the sessions of the client that sent it; one that names its NAS only that NAS\'s (and those learned without any)', async () => {
      await start(second);
      await acct(1, [sid('9101'), user('alice'), ip('192.0.2.111'), ...BNG1]);
      await acct(1, [sid('9102'), user('bob'), ip('192.0.2.112'), ...BNG2]);
      await acct(1, [sid('9103'), user('carl'), ip('192.0.2.113')]);
      await acct(1, [sid('9104'), user('dora'), ip('192.0.2.114'), ...BNG1], '127.0.0.2');
      await acct(1, [sid('9105'), user('erin'), ip('192.0.2.115'), nasId('bng3')]);
      assert.deepEqual(await coa([sid('9101'), erx('on')]), ACK);
      assert.deepEqual(await coa([sid('9102'), erx('on', '0000000500000005')]), ACK);
      // bng1 restarted, behind the proxy
      await acct(7, BNG1);
      assert.deepEqual(subscriberIds(), ['9102', '9104', '9105']);
      assert.deepEqual([...dp.mirrors.keys()], ['9102']);
      assert.deepEqual(stopped(), [['9101', 'NAS accounting restart']]);
      // bng2 going down, named by an IPv4-mapped NAS-IPv6-Address
      await acct(8, [nasIpv6('::ffff:192.0.2.2')]);
      assert.deepEqual(subscriberIds(), ['9104', '9105']);
      assert.equal(dp.mirrors.size, 0);
      // naming no NAS, or the client itself: every session of that client, none of another
      await acct(7, [nasIp('127.0.0.1')]);
      assert.deepEqual(subscriberIds(), ['9104']);
      await acct(1, [sid('9106'), user('finn'), ip('192.0.2.116'), ...BNG2]);
      await acct(8, []);
      assert.deepEqual(subscriberIds(), ['9104']);
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
