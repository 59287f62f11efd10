/** Loader and types for native/flowtap_native.node (the few system calls Node cannot make). */

import * as path from 'path';
import { AgentError } from '../errors';

export interface NativeBinding {
  tunOpen(name: string): { fd: number; name: string };
  tunSetPersist(fd: number, on: boolean): void;
  close(fd: number): void;
  readBatch(fd: number, buf: Buffer, offsets: Uint32Array, lengths: Uint32Array): number;
  pollStart(fd: number, cb: (status: number) => void): unknown;
  pollStop(handle: unknown): void;
  rawOpen(): number;
  sendBatch(fd: number, buf: Buffer, offsets: Uint32Array, lengths: Uint32Array, dsts: Uint32Array, count: number): number;
  netlinkExtAck(port: number): boolean;
  netlinkQuietWatch(port: number, ownPort: number): boolean;
  netlinkNoEnobufs(port: number): boolean;
  /** V8's worker threads to SCHED_IDLE (native/background_threads.cc); the number of tasks posted */
  idleBackgroundThreads(): number;
  /** flock(LOCK_EX | LOCK_NB): true when taken, false when another open file description holds it */
  flockExclusive(fd: number): boolean;
}

let cached: NativeBinding | undefined;

export function native(): NativeBinding {
  if (cached) return cached;
  const file = path.join(__dirname, '..', '..', 'native', 'build', 'Release', 'flowtap_native.node');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require(file) as NativeBinding;
  } catch (e) {
    throw new AgentError('operation-failed', `native addon not built (${file}): run "node native/build.js" (${(e as Error).message})`);
  }
  return cached;
}
