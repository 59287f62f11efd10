/** The YANG modules the agent implements, and where they are found. */
import * as path from 'path';
import { DEFAULT_SEARCH_PATH } from '../yang/context';

/** the project's own modules (yang/ at the package root) */
export const PROJECT_YANG_DIR = path.resolve(__dirname, '..', '..', 'yang');

export const IMPLEMENTED_MODULES = [
  'ietf-netconf',
  'ietf-netconf-acm',
  'ietf-netconf-monitoring',
  'ietf-netconf-with-defaults',
  'ietf-netconf-notifications',
  'ietf-yang-library',
  'ietf-interfaces',
  'iana-if-type',
  'ietf-system',
  'notifications',
  'nc-notifications',
  'flowtapd-class-of-service',
  'flowtapd-services',
  'flowtapd-access',
  'flowtapd-system',
];

/** Search path: FLOWTAPD_YANG_PATH (colon-separated) first, then yang/, then the system's standard modules. */
export function searchPath(): string[] {
  const extra = (process.env.FLOWTAPD_YANG_PATH ?? '').split(':').filter(Boolean);
  return [...extra, PROJECT_YANG_DIR, ...DEFAULT_SEARCH_PATH];
}
