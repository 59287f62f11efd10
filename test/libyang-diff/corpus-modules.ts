/** The modules the differential corpus is checked against (modules.txt), and the standard ones' directory. */
import * as fs from 'fs';
import * as path from 'path';

const here = __dirname;
const root = path.join(here, '..', '..');
export const IETF = '/usr/share/yuma/modules/ietf';

export function corpusModules(): string[] {
  return fs
    .readFileSync(path.join(here, 'modules.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((m) => (m.startsWith('/') ? m : path.join(root, m)));
}
