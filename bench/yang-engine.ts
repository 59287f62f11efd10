/**
 * YANG engine benchmark:
 *   1. compile the flowtapd modules with the standard modules they use;
 *   2. parse + validate a 10,000-entry configuration (10,000 tunnel
 *      interfaces, every one a tunnel pool member: 10,000 leafrefs and
 *      10,000 musts with derived-from-or-self);
 *   3. parse + validate a 100,000-node operational tree (subscribers).
 * Prints ms and peak MB next to the targets (compile < 300 ms; 100,000
 * nodes validated < 500 ms and < 200 MB).
 *
 *   npx tsx bench/yang-engine.ts            (add --expose-gc through NODE_OPTIONS for cleaner MB)
 */
import * as path from 'path';
import { loadContext } from '../src/yang/context';
import type { DataNode } from '../src/yang/data/node';
import { parseXml, validate } from '../src/yang/data';

const root = path.join(__dirname, '..');
const IETF = '/usr/share/yuma/modules/ietf';
const MODULES = [
  path.join(root, 'yang', 'flowtapd-services.yang'),
  path.join(root, 'yang', 'flowtapd-access.yang'),
  path.join(root, 'yang', 'flowtapd-class-of-service.yang'),
  `${IETF}/ietf-interfaces@2014-05-08.yang`,
  `${IETF}/iana-if-type@2014-05-08.yang`,
  `${IETF}/ietf-system@2014-08-06.yang`,
  `${IETF}/ietf-netconf-acm@2018-02-14.yang`,
];

const gc = (globalThis as { gc?: () => void }).gc;
const MB = (b: number): string => (b / 1048576).toFixed(1);
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

function count(n: DataNode): number {
  let c = 1;
  for (const k of n.children) c += count(k);
  return c;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function configDoc(n: number): string {
  const ifs: string[] = [];
  const pool: string[] = [];
  for (let i = 0; i < n; i++) {
    ifs.push(`<interface><name>vt${i}</name><type>ianaift:tunnel</type></interface>`);
    pool.push(`<interfaces>vt${i}</interfaces>`);
  }
  return (
    `<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces" xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">${ifs.join('')}</interfaces>\n` +
    `<services xmlns="urn:flowtapd:yang:services"><flow-tap/><radius-flow-tap>${pool.join('')}` +
    `<source-ipv4-address>192.0.2.1</source-ipv4-address></radius-flow-tap></services>\n`
  );
}

function stateDoc(subscribers: number): string {
  const subs: string[] = [];
  for (let i = 0; i < subscribers; i++) {
    const a = `${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.1`;
    subs.push(
      `<subscriber><acct-session-id>s${i}</acct-session-id><user-name>user${i}@isp.example</user-name>` +
        `<framed-ip-address>${a}</framed-ip-address><framed-ipv6-prefix>2001:db8:${(i & 0xffff).toString(16)}::/56</framed-ipv6-prefix>` +
        `<nas-port-id>bng-sub:${i}</nas-port-id><start-time>2026-11-24T10:00:00Z</start-time></subscriber>`,
    );
  }
  return (
    `<subscribers xmlns="urn:flowtapd:yang:access">${subs.join('')}</subscribers>\n` +
    `<nacm xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-acm"><denied-operations>0</denied-operations>` +
    `<denied-data-writes>0</denied-data-writes><denied-notifications>0</denied-notifications></nacm>\n`
  );
}

function main(): void {
  const results: string[] = [];
  let failed = false;
  const line = (name: string, value: string, target?: string, ok?: boolean): void => {
    results.push(`${name.padEnd(48)} ${value.padStart(12)}   ${target ? `target ${target}` : ''}${ok === false ? '   MISSED' : ''}`);
    if (ok === false) failed = true;
  };

  // 1. compile
  const t0 = now();
  const ctx = loadContext(MODULES, { searchPath: [IETF] });
  const first = now() - t0;
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = now();
    loadContext(MODULES, { searchPath: [IETF] });
    runs.push(now() - t);
  }
  line(`compile ${MODULES.length} modules (+ imports), first run`, `${first.toFixed(1)} ms`, '< 300 ms', first < 300);
  line('compile, median of 5 further runs', `${median(runs).toFixed(1)} ms`, '< 300 ms', median(runs) < 300);

  // 2. 10,000-entry configuration
  {
    const xml = configDoc(10000);
    gc?.();
    const t = now();
    const tree = parseXml(ctx, xml, { type: 'config' });
    const tp = now();
    const errs = validate(ctx, tree, { type: 'config' });
    const tv = now();
    if (errs.length) throw new Error(`10,000-entry configuration invalid: ${errs[0].message}`);
    line(`10,000-entry config (${count(tree)} nodes): parse`, `${(tp - t).toFixed(1)} ms`);
    line('10,000-entry config: validate (leafref + must each)', `${(tv - tp).toFixed(1)} ms`);
  }

  // 3. 100,000-node tree
  {
    const xml = stateDoc(14286); // 7 nodes a subscriber: 100,002 nodes + nacm
    gc?.();
    const base = process.memoryUsage();
    const t = now();
    const tree = parseXml(ctx, xml, { type: 'data' });
    const tp = now();
    const errs = validate(ctx, tree, { type: 'data' });
    const tv = now();
    const after = process.memoryUsage();
    if (errs.length) throw new Error(`100,000-node tree invalid: ${errs[0].message}`);
    const nodes = count(tree);
    line(`100,000-node tree (${nodes} nodes): parse`, `${(tp - t).toFixed(1)} ms`);
    line('100,000-node tree: validate', `${(tv - tp).toFixed(1)} ms`, '< 500 ms', tv - tp < 500);
    line('100,000-node tree: parse + validate', `${(tv - t).toFixed(1)} ms`);
    const heap = after.heapUsed - base.heapUsed;
    line('100,000-node tree: heap held (tree + document)', `${MB(heap)} MB`, '< 200 MB', heap < 200 * 1048576);
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  line('process peak RSS (whole run)', `${MB(peak)} MB`, '< 200 MB', peak < 200 * 1048576);

  // eslint-disable-next-line no-console
  console.log(`flowtapd YANG engine benchmark (node ${process.version}${gc ? ', --expose-gc' : ''})\n${results.join('\n')}`);
  process.exitCode = failed ? 1 : 0;
}

main();
