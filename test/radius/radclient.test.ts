/**
 * Interop with Debian's FreeRADIUS radclient (freeradius-utils, dictionary.erx):
 * our listeners on random 127.0.0.1 ports, the real client sending.
 */
import assert from 'node:assert/strict';
import { AccountingRequest, CoaAnswer, DynamicAuthRequest, RadiusServer } from '../../src/radius';
import { radclient, radclientVersion } from './helpers';

const SECRET = 'interop-secret';
const MIRROR = (action: string, handle = '0x4000abcd'): string[] => [
  `ERX-LI-Action = ${action}`,
  `ERX-Med-Dev-Handle = ${handle}`,
  'ERX-Med-Ip-Address = 198.51.100.7',
  'ERX-Med-Port-Number = 30030',
];

describe('radius interop: radclient', function () {
  this.timeout(20000);
  let server: RadiusServer;
  let coas: DynamicAuthRequest[];
  let accts: AccountingRequest[];
  let answer: (r: DynamicAuthRequest) => Promise<CoaAnswer>;
  let ports: { coaPort: number; acctPort: number };

  before(function () {
    const v = radclientVersion();
    if (!v) this.skip();
    process.stdout.write(`      peer: ${v}\n`);
  });

  beforeEach(async () => {
    coas = [];
    accts = [];
    answer = async () => ({ ok: true });
    server = new RadiusServer({
      onCoa: (r) => {
        coas.push(r);
        return answer(r);
      },
      onAccounting: async (r) => {
        accts.push(r);
      },
    });
    await server.reconfigure({
      coaPort: 0,
      acctPort: 0,
      clients: [{ address: '127.0.0.1', secret: SECRET }],
      bindAddresses: ['127.0.0.1'],
    });
    ports = server.ports();
  });
  afterEach(() => server.close());

  it('CoA start, 4-octet handle, Message-Authenticator: radclient accepts our CoA-ACK', async () => {
    const r = await radclient('coa', ports.coaPort, SECRET, ['Acct-Session-Id = "sess-1"', ...MIRROR('on'), 'Message-Authenticator = 0x00']);
    assert.match(r.stdout, /Received CoA-ACK Id \d+/);
    assert.match(r.stdout, /Message-Authenticator = 0x[0-9a-f]{32}/);
    assert.equal(r.code, 0);
    assert.equal(coas.length, 1);
    assert.equal(coas[0].liAction, 'start');
    assert.equal(coas[0].medDevHandle!.toString('hex'), '4000abcd');
    assert.equal(coas[0].medIp, '198.51.100.7');
    assert.equal(coas[0].medPort, 30030);
  });

  it('CoA stop, 8-octet handle, current Event-Timestamp and our NAS-Identifier: ACK', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await radclient('coa', ports.coaPort, SECRET, [
      'User-Name = "alice"',
      'NAS-Identifier = "bng1"',
      `Event-Timestamp = ${now}`,
      ...MIRROR('off', '0x0000002a00000007'),
    ]);
    assert.match(r.stdout, /Received CoA-ACK/);
    assert.equal(coas[0].liAction, 'stop');
    assert.equal(coas[0].userName, 'alice');
    assert.equal(coas[0].medDevHandle!.toString('hex'), '0000002a00000007');
  });

  it('some of the VSAs only: CoA-NAK with Error-Cause Missing-Attribute', async () => {
    const r = await radclient('coa', ports.coaPort, SECRET, ['Acct-Session-Id = "sess-1"', 'ERX-LI-Action = on', 'ERX-Med-Ip-Address = 198.51.100.7']);
    assert.match(r.stdout, /Received CoA-NAK/);
    assert.match(r.stdout, /Error-Cause = Missing-Attribute/);
    assert.equal(coas.length, 0);
  });

  it('the handler\'s causes reach radclient: Session-Context-Not-Found, Resources-Unavailable', async () => {
    answer = async () => ({ ok: false, cause: 503 });
    let r = await radclient('coa', ports.coaPort, SECRET, ['Acct-Session-Id = "nobody"', ...MIRROR('on'), 'Message-Authenticator = 0x00']);
    assert.match(r.stdout, /Received CoA-NAK/);
    assert.match(r.stdout, /Error-Cause = Session-Context-Not-Found/);
    answer = async () => ({ ok: false, cause: 506 });
    r = await radclient('coa', ports.coaPort, SECRET, ['Acct-Session-Id = "full"', ...MIRROR('on')]);
    assert.match(r.stdout, /Error-Cause = Resources-Unavailable/);
  });

  it('NAS identification reaches the handler; its 403 reaches radclient as NAS-Identification-Mismatch', async () => {
    answer = async (r) => (r.nasIdentifier === 'bng1' ? { ok: true } : { ok: false, cause: 403 });
    const r = await radclient('coa', ports.coaPort, SECRET, ['Acct-Session-Id = "s"', 'NAS-Identifier = "other-bng"', 'NAS-IP-Address = 192.0.2.2', 'NAS-IPv6-Address = 2001:db8::2']);
    assert.match(r.stdout, /Error-Cause = NAS-Identification-Mismatch/);
    assert.deepEqual([coas[0].nasIdentifier, coas[0].nasIp, coas[0].nasIpv6], ['other-bng', '192.0.2.2', '2001:db8::2']);
  });

  it('Disconnect-Request: Disconnect-ACK with Proxy-State echoed; a NAK as Disconnect-NAK', async () => {
    let r = await radclient('disconnect', ports.coaPort, SECRET, ['Acct-Session-Id = "sess-1"', 'Proxy-State = 0x70726f7879', 'Message-Authenticator = 0x00']);
    assert.match(r.stdout, /Received Disconnect-ACK/);
    assert.match(r.stdout, /Received[\s\S]*Proxy-State = 0x70726f7879/);
    assert.equal(coas[0].kind, 'disconnect');
    answer = async () => ({ ok: false, cause: 503 });
    r = await radclient('disconnect', ports.coaPort, SECRET, ['Acct-Session-Id = "gone"']);
    assert.match(r.stdout, /Received Disconnect-NAK/);
    assert.match(r.stdout, /Error-Cause = Session-Context-Not-Found/);
  });

  it('accounting Start and Stop: Accounting-Response, subscribers typed', async () => {
    let r = await radclient('acct', ports.acctPort, SECRET, [
      'Acct-Status-Type = Start',
      'Acct-Session-Id = "0000002a"',
      'User-Name = "alice"',
      'Framed-IP-Address = 192.0.2.77',
      'Framed-IPv6-Prefix = 2001:db8:77::/48',
      'NAS-Port-Id = "ge-1/0/0.100"',
    ]);
    assert.match(r.stdout, /Received Accounting-Response/);
    r = await radclient('acct', ports.acctPort, SECRET, ['Acct-Status-Type = Stop', 'Acct-Session-Id = "0000002a"', 'Message-Authenticator = 0x00']);
    assert.match(r.stdout, /Received Accounting-Response/);
    assert.deepEqual(
      accts.map((a) => [a.status, a.acctSessionId]),
      [
        ['start', '0000002a'],
        ['stop', '0000002a'],
      ],
    );
    assert.equal(accts[0].framedIp, '192.0.2.77');
    assert.equal(accts[0].framedIpv6Prefix, '2001:db8:77::/48');
    assert.equal(accts[0].nasPortId, 'ge-1/0/0.100');
    assert.equal(server.counters().clients['127.0.0.1'].accountingResponses, 2);
  });

  it('wrong secret: radclient gets no reply and the drop counter rises', async () => {
    const before = server.counters().clients['127.0.0.1'].dropped.badAuthenticator;
    const r = await radclient('coa', ports.coaPort, 'not-the-secret', ['Acct-Session-Id = "s"', ...MIRROR('on')], { timeout: 1, retries: 1 });
    assert.match(r.stdout, /No reply from server/);
    assert.notEqual(r.code, 0);
    assert.equal(coas.length, 0);
    assert.equal(server.counters().clients['127.0.0.1'].dropped.badAuthenticator, before + 1);
    const a = await radclient('acct', ports.acctPort, 'not-the-secret', ['Acct-Status-Type = Start', 'Acct-Session-Id = "x"'], { timeout: 1, retries: 1 });
    assert.match(a.stdout, /No reply from server/);
    assert.equal(accts.length, 0);
    assert.equal(server.counters().clients['127.0.0.1'].dropped.badAuthenticator, before + 2);
  });

  it('radclient\'s retransmission while the handler runs: one action, one answer', async () => {
    answer = () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 1300));
    const r = await radclient('coa', ports.coaPort, SECRET, ['Acct-Session-Id = "slow"', ...MIRROR('on')], { timeout: 1, retries: 3 });
    assert.match(r.stdout, /Received CoA-ACK/);
    assert.equal(coas.length, 1);
    assert.ok(server.counters().clients['127.0.0.1'].duplicates >= 1);
  });
});
