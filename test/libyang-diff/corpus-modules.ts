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

/** the namespaces of the corpus modules' top-level nodes */
export const NS = {
  fts: 'urn:flowtapd:yang:services',
  fta: 'urn:flowtapd:yang:access',
  ftcos: 'urn:flowtapd:yang:class-of-service',
  if: 'urn:ietf:params:xml:ns:yang:ietf-interfaces',
  ianaift: 'urn:ietf:params:xml:ns:yang:iana-if-type',
  sys: 'urn:ietf:params:xml:ns:yang:ietf-system',
  nacm: 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm',
};
