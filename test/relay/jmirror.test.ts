import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decode, encode, ipv4ToNumber, checkFlow, JmirrorFlow, JMIRROR_HEADER_LEN, innerDscp } from '../../src/relay/jmirror';
import { pcapFile } from '../../src/relay/pcap';
import { AgentError } from '../../src/errors';

/** An IPv4/UDP packet 192.0.2.10:1234 -> 198.51.100.20:5678, DSCP 46, payload "hello". */
function innerV4(): Buffer {
  const payload = Buffer.from('hello');
  const p = Buffer.alloc(28 + payload.length);
  p[0] = 0x45;
  p[1] = 46 << 2;
  p.writeUInt16BE(p.length, 2);
  p[8] = 64;
  p[9] = 17;
  p.writeUInt32BE(ipv4ToNumber('192.0.2.10'), 12);
  p.writeUInt32BE(ipv4ToNumber('198.51.100.20'), 16);
  let s = 0;
  for (let i = 0; i < 20; i += 2) s += p.readUInt16BE(i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  p.writeUInt16BE(~s & 0xffff, 10);
  p.writeUInt16BE(1234, 20);
  p.writeUInt16BE(5678, 22);
  p.writeUInt16BE(8 + payload.length, 24);
  payload.copy(p, 28);
  return p;
}

const flow: JmirrorFlow = {
  src: ipv4ToNumber('203.0.113.1'),
  dst: ipv4ToNumber('203.0.113.99'),
  srcPort: 49152,
  dstPort: 30030,
  interceptId: 0x2abcdef1,
  sessionId: 0xdeadbeef,
};

describe('relay/jmirror codec', () => {
  it('encodes the exact outer bytes', () => {
    const inner = innerV4();
    const out = Buffer.alloc(2048, 0xee);
    const n = encode(out, 0, { ...flow, dscp: 10 }, inner, 0, inner.length, 0x1234);
    assert.equal(n, 36 + inner.length);
    const hdr = out.subarray(0, 36).toString('hex');
    // IPv4: 45, tos 0x28 (dscp 10), len, id 1234, DF, ttl ff, proto 11, csum, src, dst
    const len = (36 + inner.length).toString(16).padStart(4, '0');
    assert.equal(hdr.slice(0, 16), `4528${len}12344000`);
    assert.equal(hdr.slice(16, 20), 'ff11');
    assert.equal(hdr.slice(24, 40), 'cb007101cb007163');
    // UDP: c000 754e len 0000
    const ulen = (16 + inner.length).toString(16).padStart(4, '0');
    assert.equal(hdr.slice(40, 56), `c000754e${ulen}0000`);
    // mirror header: version 0 | intercept id, session id
    assert.equal(hdr.slice(56, 72), '2abcdef1deadbeef');
    assert.ok(out.subarray(36, n).equals(inner));
    assert.equal(out[n], 0xee, 'nothing written past the packet');
    const d = decode(out.subarray(0, n));
    assert.equal(d.checksumOk, true);
    assert.equal(d.ttl, 255);
    assert.equal(d.dscp, 10);
    assert.equal(d.interceptId, 0x2abcdef1);
    assert.equal(d.sessionId, 0xdeadbeef);
    assert.equal(d.mirrorVersion, 0);
    assert.equal(d.src, '203.0.113.1');
    assert.equal(d.dst, '203.0.113.99');
    assert.equal(d.udpChecksum, 0);
    assert.equal(d.udpLength, 16 + inner.length);
  });

  it('copies the inner DSCP when none is given (v4 and v6)', () => {
    const inner = innerV4();
    const out = Buffer.alloc(256);
    const n = encode(out, 10, flow, inner, 0, inner.length);
    assert.equal(decode(out.subarray(10, 10 + n)).dscp, 46);
    const v6 = Buffer.alloc(40);
    v6[0] = 0x60 | (34 >> 2);
    v6[1] = (34 & 3) << 6;
    assert.equal(innerDscp(v6, 0, 40), 34);
  });

  it('encodes at an offset into a preallocated buffer without allocating', () => {
    const inner = innerV4();
    const out = Buffer.alloc(4096);
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 10000; i++) encode(out, 100, flow, inner, 0, inner.length, i);
    const after = process.memoryUsage().arrayBuffers;
    assert.ok(after - before < 64 * 1024, `arrayBuffers grew by ${after - before}`);
  });

  it('rejects bad flows and short buffers with typed errors', () => {
    assert.throws(() => checkFlow({ ...flow, interceptId: 0x40000000 }), (e: unknown) => e instanceof AgentError && /intercept id/.test(e.message));
    assert.throws(() => checkFlow({ ...flow, dscp: 64 }), AgentError);
    assert.throws(() => checkFlow({ ...flow, dstPort: 70000 }), AgentError);
    assert.throws(() => ipv4ToNumber('1.2.3.256'), AgentError);
    assert.throws(() => encode(Buffer.alloc(40), 0, flow, innerV4(), 0, 33), AgentError);
    assert.throws(() => decode(Buffer.alloc(10)), (e: unknown) => e instanceof AgentError && e.tag === 'malformed-message');
  });

  it('is decoded by tshark\'s jmirror dissector', function () {
    this.timeout(30000);
    const inner = innerV4();
    const out = Buffer.alloc(256);
    const n = encode(out, 0, { ...flow, dscp: 26 }, inner, 0, inner.length);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmirror-'));
    try {
      const file = path.join(dir, 'j.pcap');
      fs.writeFileSync(file, pcapFile([out.subarray(0, n)]));
      const txt = execFileSync('tshark', ['-r', file, '-d', 'udp.port==30030,jmirror', '-T', 'fields', '-E', 'separator=/t', '-E', 'aggregator=|',
        '-e', 'jmirror.mid', '-e', 'jmirror.sid', '-e', 'ip.ttl', '-e', 'ip.dsfield.dscp', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'ip.checksum.status', '-o', 'ip.check_checksum:TRUE'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const f = txt.split('\t');
      assert.equal(Number(f[0]), 0x2abcdef1);
      assert.equal(Number(f[1]), 0xdeadbeef);
      assert.equal(f[2].split('|')[0], '255');
      assert.equal(f[3].split('|')[0], '26');
      assert.equal(f[3].split('|')[1], '46');
      assert.equal(f[8].split('|')[0], '1', 'outer header checksum verified good');
      // outer then inner addresses (tshark lists both IP layers)
      assert.match(f[4], /^203\.0\.113\.1/);
      assert.match(f[5], /^203\.0\.113\.99/);
      assert.match(f[4], /192\.0\.2\.10/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
