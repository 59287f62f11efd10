/**
 * The typedefs libyang reads with a type plugin of its own, against
 * yanglint: ietf-inet-types addresses and prefixes (inet_pton checks,
 * RFC 5952 canonical forms, host bits zeroed), yang:xpath1.0 (prefixes must
 * map to modules) and ietf-netconf-acm node-instance-identifier. Every value
 * gets yanglint's verdict; valid ones its canonical JSON value, and our XML
 * output reads back to the same value.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentError } from '../../src/errors';
import { loadContext } from '../../src/yang/context';
import * as d from '../../src/yang/data';
import type { SchemaContext } from '../../src/yang/schema';

const IETF = '/usr/share/yuma/modules/ietf';
const MODULE = join(__dirname, 'fixtures', 'plugins', 'tp.yang');
const NS = 'xmlns="urn:tp" xmlns:q="urn:tp" xmlns:n="urn:ietf:params:xml:ns:yang:ietf-netconf-acm" xmlns:u="urn:unknown"';

const valid: [string, string][] = [
  ['a6nz', '2001:DB8:0:0::1'],
  ['a6nz', '2001:db8::1'],
  ['a6', 'FE80::A%Eth0'],
  ['a6nz', '::FFFF:1.2.3.4'],
  ['a6nz', '::ffff:0102:0304'],
  ['a6nz', '1:0:0:1:0:0:0:1'],
  ['a6nz', '1:0:0:0:1:0:0:1'],
  ['a6nz', '1:0:1:0:1:0:1:0'],
  ['a6nz', '1::2:3:4:5:6:7'],
  ['a6nz', '::'],
  ['a6nz', '0:0:0:0:0:0:0:0'],
  ['a6nz', '::1'],
  ['a6nz', '::2'],
  ['a6nz', '::1:2'],
  ['a6nz', '::ffff:0:0'],
  ['a6nz', '::ffff:0:1.2.3.4'],
  ['a6nz', '0:0:1:0:0:0:0:1'],
  ['a6nz', '1:2:3:4:5:6:1.2.3.4'],
  ['a6nz', '1::'],
  ['a6nz', 'ABCD:EF01:2345:6789:ABCD:EF01:2345:6789'],
  ['a4', '1.2.3.4%eth0'],
  ['a4nz', '0.0.0.0'],
  ['ip', 'ABCD::1'],
  ['ip', '10.0.0.1'],
  ['p4', '10.1.2.3/8'],
  ['p4', '255.255.255.255/0'],
  ['p4', '1.2.3.5/31'],
  ['p6', '2001:DB8::1/32'],
  ['p6', '1::1/01'],
  ['p6', '::ffff:1.2.3.4/120'],
  ['p6', '1::1/128'],
  ['p', '10.1.2.3/24'],
  ['p', 'FFFF::1/16'],
  ['my', '1.2.3.4'],
  ['mac', 'AA:bb:CC:dd:EE:ff'],
  ['x', '/q:e/q:a4'],
  ['x', '/e/a4'],
  ['x', "/q:e[q:n = 1]/n:nacm/n:rule | /q:k or count(q:k) > 1"],
  ['x', '/'],
  ['ni', '/q:e/q:a4'],
  ['ni', '/'],
  ['ni', ' /q:e '],
  ['ni', "/q:e[q:n='7']/q:a6"],
  ['ni', '/q:k/q:ll'],
  ['ni', "/q:k[q:b='01'][q:a='x']/q:ll[.='v']"],
  ['ni', '/q:op'],
  ['ni', '/q:op/q:i'],
  ['ni', '/q:ev/q:w'],
];

const invalid: [string, string][] = [
  ['a6nz', '::01.2.3.4'],
  ['a6nz', '::1.2.3.04'],
  ['a6nz', '1::2::3'],
  ['a6nz', '1:2:3:4:5:6:7::8'],
  ['a6', 'fe80::1%'],
  ['a4nz', '01.2.3.4'],
  ['p4', '1.2.3.4/33'],
  ['p6', '1::1/129'],
  ['x', '/u:e'],
  ['x', '/zz:e'],
  ['x', '/q:e['],
  ['x', 'foo(1)'],
  ['ni', '/e/a4'],
  ['ni', '/zz:e'],
  ['ni', '/q:e/q:nothing'],
  ['ni', '/q:e/q:a4[.=\'1\']'],
  ['ni', "/q:k[q:a=x]"],
  ['ni', "/q:k[q:a='x']"],
  ['ni', "/q:k[a='x']"],
  ['ni', "/q:k[q:a='x'][q:a='y']"],
  ['ni', "/q:k[q:ll='x']"],
  ['ni', '/q:k[1]'],
  ['ni', "/q:k[q:b='300']"],
  ['ni', '/q:op/q:input/q:i'],
  ['ni', '/q:op/q:o'],
  ['ni', '/q:e/'],
  ['ni', '//q:e'],
  ['ni', '*'],
];

function esc(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function doc(entries: [string, string][]): string {
  return entries.map(([leaf, v], i) => `<e ${NS}><n>${i + 1}</n><${leaf}>${esc(v)}</${leaf}></e>`).join('\n');
}

function yanglint(dir: string, xml: string): { ok: boolean; out: string } {
  const f = join(dir, 'd.xml');
  writeFileSync(f, xml);
  const r = spawnSync('yanglint', ['-f', 'json', '-t', 'config', '-p', IETF, MODULE, f], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.status === 0 ? r.stdout : r.stderr };
}

function ours(ctx: SchemaContext, xml: string): { ok: true; root: d.DataNode } | { ok: false; message: string } {
  try {
    const root = d.parseXml(ctx, xml, { type: 'config' });
    const errs = d.validate(ctx, root, { type: 'config' });
    return errs.length ? { ok: false, message: errs[0].message } : { ok: true, root };
  } catch (e) {
    assert.ok(e instanceof AgentError, `untyped exception: ${String(e)}`);
    return { ok: false, message: e.message };
  }
}

function valueOf(root: d.DataNode, n: number, leaf: string): string | null | undefined {
  const e = root.children.find((c) => c.children.some((k) => k.schema.name === 'n' && k.value === String(n)));
  return e?.children.find((c) => c.schema.name === leaf)?.value;
}

describe('yang/types: typedefs with libyang plugins (inet addresses and prefixes, xpath1.0, node-instance-identifier)', function () {
  this.timeout(60000);
  let ctx: SchemaContext;
  let dir: string;
  before(() => {
    ctx = loadContext([MODULE], { searchPath: [IETF] });
    dir = mkdtempSync(join(tmpdir(), 'tp-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('valid values: the canonical JSON values of yanglint', () => {
    const xml = doc(valid);
    const ly = yanglint(dir, xml);
    assert.ok(ly.ok, ly.out);
    const entries = (JSON.parse(ly.out) as Record<string, Record<string, unknown>[]>)['tp:e'];
    const r = ours(ctx, xml);
    assert.ok(r.ok, r.ok ? '' : r.message);
    const bad: string[] = [];
    valid.forEach(([leaf, v], i) => {
      const theirs = entries.find((e) => e.n === i + 1)?.[leaf];
      const mine = valueOf(r.root, i + 1, leaf);
      // libyang rewrites xpath1.0 whitespace and drops repeated module names; we keep the text
      if (leaf === 'x') return;
      if (mine !== theirs) bad.push(`${leaf} "${v}": yanglint ${JSON.stringify(theirs)}, ours ${JSON.stringify(mine)}`);
    });
    assert.deepEqual(bad, []);
  });

  it('xpath1.0 canonical form names modules instead of XML prefixes', () => {
    const r = ours(ctx, doc(valid));
    assert.ok(r.ok, r.ok ? '' : r.message);
    const xs = valid.map(([leaf, v], i) => [leaf, v, valueOf(r.root, i + 1, leaf)]).filter(([leaf]) => leaf === 'x');
    assert.deepEqual(
      xs.map((x) => x[2]),
      ['/tp:e/tp:a4', '/e/a4', '/tp:e[tp:n = 1]/ietf-netconf-acm:nacm/ietf-netconf-acm:rule | /tp:k or count(tp:k) > 1', '/'],
    );
  });

  it('invalid values: rejected by both', () => {
    const bad: string[] = [];
    for (const [leaf, v] of invalid) {
      const xml = doc([[leaf, v]]);
      const ly = yanglint(dir, xml);
      const r = ours(ctx, xml);
      if (ly.ok) bad.push(`${leaf} "${v}": yanglint accepts (test data out of date)`);
      if (r.ok) bad.push(`${leaf} "${v}": we accept; yanglint: ${ly.out.split('\n')[0]}`);
    }
    assert.deepEqual(bad, []);
  });

  it('equal addresses in other forms are duplicate keys', () => {
    const ctx2 = loadContext(['flowtapd-access'], { searchPath: [join(__dirname, '..', '..', 'yang'), IETF] });
    const r = ours(
      ctx2,
      '<access xmlns="urn:flowtapd:yang:access"><radius-client><address>2001:db8::1</address><secret>a</secret></radius-client>' +
        '<radius-client><address>2001:DB8:0::1</address><secret>b</secret></radius-client></access>',
    );
    assert.equal(r.ok, false);
  });

  it('XML output reads back to the same values (prefixes for xpath1.0 and node-instance-identifier)', () => {
    const r = ours(ctx, doc(valid));
    assert.ok(r.ok, r.ok ? '' : r.message);
    const out = d.toXml(r.root);
    assert.match(out, /<ni xmlns:tp="urn:tp">\/tp:op\/tp:i<\/ni>/);
    assert.match(out, /<x xmlns:tp="urn:tp" xmlns:nacm="urn:ietf:params:xml:ns:yang:ietf-netconf-acm">\/tp:e\[tp:n = 1\]\/nacm:nacm\/nacm:rule \| \/tp:k or count\(tp:k\) &gt; 1<\/x>|<x xmlns:nacm="[^"]+" xmlns:tp="urn:tp">/);
    const back = ours(ctx, out);
    assert.ok(back.ok, back.ok ? '' : back.message);
    valid.forEach(([leaf], i) => assert.equal(valueOf(back.root, i + 1, leaf), valueOf(r.root, i + 1, leaf), `${leaf} #${i + 1}`));
    const json = d.toJson(r.root);
    const fromJson = d.parseJson(ctx, json, { type: 'config' });
    valid.forEach(([leaf], i) => assert.equal(valueOf(fromJson, i + 1, leaf), valueOf(r.root, i + 1, leaf), `JSON ${leaf} #${i + 1}`));
  });
});

describe('yang/types: IPv6 text forms (inet_pton / inet_ntop as glibc)', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { parseIpv6, formatIpv6 } = require('../../src/yang/types/inet') as typeof import('../../src/yang/types/inet');
  it('every written form of random addresses reads back to the same words and one canonical text', () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let k = 0; k < 3000; k++) {
      const w = Array.from({ length: 8 }, () => (rnd(3) === 0 ? 0 : rnd(0x10000)));
      const full = w.map((x) => x.toString(16).toUpperCase().padStart(rnd(2) ? 4 : 1, '0')).join(':');
      const canon = formatIpv6(w);
      assert.deepEqual(parseIpv6(full), w, full);
      assert.deepEqual(parseIpv6(canon), w, canon);
      assert.equal(formatIpv6(parseIpv6(canon)!), canon);
      assert.equal(canon, canon.toLowerCase());
      assert.ok(!/(^|:)0+[0-9a-f]/.test(canon.replace(/\d+\.\d+\.\d+\.\d+$/, '')), `no leading zeros: ${canon}`);
      assert.ok((canon.match(/::/g) ?? []).length <= 1, canon);
    }
    for (const bad of ['', ':', ':1::', '1:', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', '1:2:3:4:5:6:7::8', '::1.2.3.04', '::256.0.0.1', 'g::1']) {
      assert.equal(parseIpv6(bad), null, bad);
    }
  });
});
