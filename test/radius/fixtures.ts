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
