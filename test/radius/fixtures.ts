/** Loads the radclient captures in test/fixtures/radius (see capture.ts there). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Capture {
  name: string;
  secret: string;
  attrs: string[];
  bytes: Buffer;
}

export const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'radius');

export function loadCapture(name: string): Capture {
  const text = fs.readFileSync(path.join(FIXTURE_DIR, `${name}.hex`), 'utf8');
  let secret = '';
  const attrs: string[] = [];
  let hex = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('# secret: ')) secret = line.slice('# secret: '.length);
    else if (line.startsWith('# attr: ')) attrs.push(line.slice('# attr: '.length));
    else if (!line.startsWith('#')) hex += line.trim();
  }
  return { name, secret, attrs, bytes: Buffer.from(hex, 'hex') };
}

export function allCaptures(): Capture[] {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((f) => loadCapture(f.slice(0, -4)));
}

/** A small deterministic PRNG (mulberry32) so fuzz failures can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mutates a packet: flips, overwrites, truncates, inserts, or rewrites a length octet. */
export function mutate(src: Buffer, rnd: () => number): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * Math.max(1, b.length));
    switch (Math.floor(rnd() * 7)) {
      case 0:
        if (b.length) b[at] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1:
        if (b.length) b[at] = Math.floor(rnd() * 256);
        break;
      case 2:
        b = b.subarray(0, at);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(rnd() * 256), Math.floor(rnd() * 256)]), b.subarray(at)]);
        break;
      case 4:
        if (b.length >= 4) b.writeUInt16BE(Math.floor(rnd() * 4200), 2);
        break;
      case 5:
        // an attribute length octet somewhere past the header
        if (b.length > 21) b[20 + Math.floor(rnd() * (b.length - 20))] = [0, 1, 2, 3, 255][Math.floor(rnd() * 5)];
        break;
      default:
        if (b.length >= 4) b.writeUInt16BE(b.length, 2); // keep the header consistent
    }
  }
  return b;
}
