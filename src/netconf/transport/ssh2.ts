/**
 * ssh2, loaded with a pooled random source for its packet padding. Import
 * ssh2 through this module (types may come from 'ssh2' itself).
 *
 * ssh2 fills the padding of every packet it sends (4 to 19 bytes) with
 * crypto.randomFillSync, which in Node 20 makes a RandomBytesJob for each
 * call: a native object behind a weak handle. An edit-config and its commit
 * make two, and every scavenge then runs the weak callbacks of those that
 * died: 0.6 to 1.4 ms of each scavenge in bench/netconf.ts
 * (`--trace-gc-nvp`, heap.external_weak_global_handles), none with this.
 *
 * ssh2 takes randomFillSync from the crypto module when its files are
 * loaded, so they are loaded here while the module's randomFillSync is
 * one that hands out bytes from a 64 KiB block of Node's own CSPRNG output
 * (each byte given once, then zeroed in the block), and Node's function is
 * put back at once: the rest of the process never sees the pooled one. If
 * ssh2 was loaded before (not through here), it keeps Node's function,
 * which is correct, only slower to collect.
 */
import type * as Ssh2 from 'ssh2';

// the crypto module's own object (an `import * as` would be a copy of it)
// eslint-disable-next-line @typescript-eslint/no-var-requires
const cryptoModule = require('crypto') as typeof import('crypto');

const BLOCK = 64 * 1024;
/** calls larger than this go to Node's function directly */
const POOLED_UP_TO = 256;

const nodeRandomFillSync = cryptoModule.randomFillSync;
let block = Buffer.alloc(0);
let used = 0;

/** randomFillSync for small fills, from the block; anything else is Node's call. */
function pooledRandomFillSync<T extends NodeJS.ArrayBufferView>(buf: T, offset?: number, size?: number): T {
  if (!(buf instanceof Uint8Array) || offset === undefined || size === undefined || !Number.isInteger(offset) || !Number.isInteger(size) || size < 0 || size > POOLED_UP_TO || offset < 0 || offset + size > buf.length) {
    return nodeRandomFillSync(buf, offset, size);
  }
  if (used + size > block.length) {
    block = nodeRandomFillSync(Buffer.allocUnsafeSlow(BLOCK));
    used = 0;
  }
  block.copy(buf, offset, used, used + size);
  block.fill(0, used, used + size);
  used += size;
  return buf;
}

function loadSsh2(): typeof Ssh2 {
  const mutable = cryptoModule as { randomFillSync: typeof nodeRandomFillSync };
  mutable.randomFillSync = pooledRandomFillSync as typeof nodeRandomFillSync;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('ssh2') as typeof Ssh2;
  } finally {
    mutable.randomFillSync = nodeRandomFillSync;
  }
}

const ssh2 = loadSsh2();
export const Client: typeof Ssh2.Client = ssh2.Client;
export type Client = Ssh2.Client;
export const Server: typeof Ssh2.Server = ssh2.Server;
export type Server = Ssh2.Server;
export const utils: typeof Ssh2.utils = ssh2.utils;
/** for tests: the pooled function ssh2 was given */
export const paddingRandomFill = pooledRandomFillSync;
