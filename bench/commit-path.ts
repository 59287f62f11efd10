/**
 * The CPU of one edit-config+commit on the agent's main thread, step by
 * step, in one process: no SSH, no disk, no other process competing for
 * the cores. bench/netconf.ts measures the whole path end to end, where
 * the host's noise moves the figures by 20-50% between runs; this one
 * moves by a few percent, so a change to the data engine can be judged.
 *
 * For a configuration of N forwarding classes (the factory configuration
 * plus the list bench/netconf.ts grows), each round does what the agent
 * does for a one-leaf edit and its commit:
 *   parse the edit, apply it to the twin (the tree the previous commit
 *   replaced, made equal to running after that commit's reply: the agent's
 *   copy of running for an edit) (edit-config), serialise it (the staged
 *   running.xml), validate it, diff it against running (the commit), and
 *   catch the replaced tree up with the new running (the next twin).
 * The clone column is what a copy of running costs instead (the agent's
 * copy when it has no twin: the first edit after a start, NACM-restricted
 * users).
 * Prints the median microseconds of each step and the heap allocated per
 * round.
 *
 *   npx tsx bench/commit-path.ts [N ...]     (default: 500 100000)
 */
import { loadContext } from '../src/yang/context';
import { IMPLEMENTED_MODULES, searchPath } from '../src/daemon/modules';
import { factoryConfig } from '../src/daemon/factory';
import { clone, diff, parseXml, toXmlBytes, validate } from '../src/yang/data';
import { syncTree } from '../src/yang/data/sync';
import type { DataNode } from '../src/yang/data/node';
import { applyEdit } from '../src/netconf/edit';

const COS = 'urn:flowtapd:yang:class-of-service';
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const now = (): number => Number(process.hrtime.bigint()) / 1e3;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function classes(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `<class><name>c${i}</name><queue-num>${i % 8}</queue-num></class>`;
  return `<class-of-service xmlns="${COS}"><forwarding-classes>${s}</forwarding-classes></class-of-service>`;
}

function main(): void {
  const ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
  console.log('one-leaf edit-config+commit, main-thread CPU per step (median of the rounds, microseconds)');
  console.log(`  ${'classes'.padStart(8)} ${'parse'.padStart(8)} ${'clone'.padStart(8)} ${'sync'.padStart(8)} ${'apply'.padStart(8)} ${'serialise'.padStart(10)} ${'validate'.padStart(9)} ${'diff'.padStart(8)} ${'total'.padStart(9)} ${'heap/round'.padStart(11)}`);
  for (const n of sizes.length ? sizes : [500, 100000]) {
    const cfg = factoryConfig({ user: 'admin', password: 'pw' }).replace('</config>', `${classes(n)}</config>`);
    let running: DataNode = parseXml(ctx, cfg, { type: 'config', unwrap: true });
    const errs = validate(ctx, running, { type: 'config' });
    if (errs.length) throw new Error(errs[0].message);
    let twin = clone(running);
    const rounds = n >= 50000 ? 15 : 300;
    const t: Record<string, number[]> = { parse: [], clone: [], sync: [], apply: [], serialise: [], validate: [], diff: [] };
    let allocated = 0;
    let measured = 0; // rounds without a collection in them
    for (let r = 0; r < rounds + 5; r++) {
      const i = (r * 7919) % n;
      const h0 = process.memoryUsage().heapUsed;
      let a = now();
      const edit = parseXml(ctx, `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><class-of-service xmlns="${COS}"><forwarding-classes><class><name>c${i}</name><queue-num>${(i + r + 1) % 8}</queue-num></class></forwarding-classes></class-of-service></config>`, { type: 'edit', unwrap: true });
      let b = now();
      const steps: [string, number][] = [['parse', b - a]];
      a = b;
      // the clone is measured, not used (the heap per round counts it: subtracted below)
      const h2 = process.memoryUsage().heapUsed;
      const copy = clone(running);
      b = now();
      const cloneBytes = process.memoryUsage().heapUsed - h2;
      if (copy.children.length !== running.children.length) throw new Error('clone');
      steps.push(['clone', b - a]);
      const work = twin;
      a = now();
      const res = applyEdit(work, edit, { defaultOperation: 'merge', continueOnError: false });
      if (res.errors.length) throw res.errors[0];
      b = now();
      steps.push(['apply', b - a]);
      a = b;
      // as the datastore writes running.xml: UTF-8 bytes into one reused buffer (toXmlBytes)
      const bytes = toXmlBytes(work, { withDefaults: 'explicit' });
      if (!bytes.length) throw new Error('empty');
      b = now();
      steps.push(['serialise', b - a]);
      a = b;
      const v = validate(ctx, work, { type: 'config' });
      if (v.length) throw v[0];
      b = now();
      steps.push(['validate', b - a]);
      a = b;
      const changes = diff(running, work, { unique: true });
      if (changes.length > 1) throw new Error(`${changes.length} changes`);
      b = now();
      steps.push(['diff', b - a]);
      a = b;
      // after the reply: the tree this commit replaces becomes the next twin
      syncTree(running, work);
      b = now();
      steps.push(['sync', b - a]);
      twin = running;
      running = work;
      const h1 = process.memoryUsage().heapUsed - cloneBytes;
      if (r >= 5) {
        for (const [k, x] of steps) t[k].push(x);
        if (h1 > h0) {
          allocated += h1 - h0;
          measured++;
        }
      }
    }
    const m = Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, median(xs)]));
    const total = Object.entries(m).reduce((x, [k, y]) => (k === 'clone' ? x : x + y), 0);
    const rounded = (x: number): string => (x >= 1000 ? x.toFixed(0) : x.toFixed(1));
    const perRound = measured ? allocated / measured : 0;
    console.log(
      `  ${String(n).padStart(8)} ${rounded(m.parse).padStart(8)} ${rounded(m.clone).padStart(8)} ${rounded(m.sync).padStart(8)} ${rounded(m.apply).padStart(8)} ${rounded(m.serialise).padStart(10)} ${rounded(m.validate).padStart(9)} ${rounded(m.diff).padStart(8)} ${rounded(total).padStart(9)} ${`${(perRound / 1024).toFixed(0)} KB`.padStart(11)}`,
    );
  }
}

main();
