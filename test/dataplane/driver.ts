/**
 * Test driver: runs a Dataplane in the current network namespace (started
 * under `ip netns exec`). Reads one JSON command per line on stdin:
 *   {"op":"apply","state":DesiredState}  -> {"ok":true,"ms":N} | {"ok":false,"error":"..."}
 *   {"op":"prepare-abort","state":DesiredState} -> {"ok":true}
 *   {"op":"set","key":"...","spec":MirrorSpec|null} -> {"ok":true,"ms":N} (Dataplane.setMirror, the incremental path)
 *   {"op":"move","moves":GroupMove[],"pool"?:...} -> {"ok":true,"ms":N} (Dataplane.moveGroups)
 *   {"op":"stale-link","key":NAME}      -> {"ok":true} (tests: the dataplane's remembered ifindex of NAME becomes wrong)
 *   {"op":"counters","key":"..."}        -> {"ok":true,"counters":{...},"stats":{...}}
 *   {"op":"missing"}                     -> {"ok":true,"missing":[...],"appeared":[...]} (subscriber interfaces missing now; those that appeared since the start)
 *   {"op":"exit"}
 * (mocha loads every .ts under test/dataplane: it runs only as a program.)
 */
import * as readline from 'readline';
import { Dataplane, DesiredState, GroupMove, MirrorSpec } from '../../src/dataplane';

function main(): void {
  const dp = new Dataplane();
  dp.start();
  const events: unknown[] = [];
  dp.linkEvents.on('member', (e) => events.push(e));
  const appeared: string[] = [];
  dp.linkEvents.on('subscriber', (e: { name: string }) => appeared.push(e.name));
  const out = (o: unknown): void => {
    process.stdout.write(JSON.stringify(o) + '\n');
  };
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    queue = queue.then(async () => {
      const cmd = JSON.parse(line) as { op: string; state?: DesiredState; key?: string; spec?: MirrorSpec | null; moves?: GroupMove[]; pool?: DesiredState['pool'] };
      try {
        if (cmd.op === 'apply') {
          const t0 = process.hrtime.bigint();
          const p = await dp.prepare(cmd.state!);
          await p.apply();
          out({ ok: true, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
        } else if (cmd.op === 'set') {
          const t0 = process.hrtime.bigint();
          await dp.setMirror(cmd.key!, cmd.spec ?? undefined);
          out({ ok: true, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
        } else if (cmd.op === 'move') {
          const t0 = process.hrtime.bigint();
          await dp.moveGroups(cmd.moves!, cmd.pool);
          out({ ok: true, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
        } else if (cmd.op === 'stale-link') {
          const cache = (dp as unknown as { linkCache?: Map<string, { index: number }> }).linkCache;
          const l = cache?.get(cmd.key!);
          if (l) cache!.set(cmd.key!, { ...l, index: 0x7ffffff0 });
          out({ ok: !!l });
        } else if (cmd.op === 'prepare-abort') {
          const p = await dp.prepare(cmd.state!);
          await p.abort();
          out({ ok: true });
        } else if (cmd.op === 'counters') {
          out({ ok: true, counters: dp.counters(cmd.key!), stats: dp.relayStats(), events });
        } else if (cmd.op === 'missing') {
          out({ ok: true, missing: dp.missingSubscriberInterfaces(), appeared });
        } else if (cmd.op === 'exit') {
          await dp.close();
          out({ ok: true });
          process.exit(0);
        }
      } catch (e) {
        out({ ok: false, error: (e as Error).message });
      }
    });
  });
  rl.on('close', () => {
    void dp.close().then(() => process.exit(0));
  });
  out({ ready: true });
}

if (require.main === module) main();
