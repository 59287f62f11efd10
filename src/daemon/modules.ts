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

/**
 * The features the agent implements, per implemented module with features
 * (RFC 7950 5.6.2: a feature is enabled only when the server supports what
 * it stands for; they are listed in the hello and in yang-library). A module
 * left out here would have all its features enabled.
 */
export const MODULE_FEATURES: Record<string, string[]> = {
  // not url: the :url capability is not implemented (a <url> is operation-not-supported)
  'ietf-netconf': ['writable-running', 'candidate', 'confirmed-commit', 'rollback-on-error', 'validate', 'startup', 'xpath'],
  // interfaces are named freely and configured whether present or not; not if-mib (no
  // interfaces-state, if-index or link-up/down traps)
  'ietf-interfaces': ['arbitrary-names', 'pre-provisioning'],
  // local users (users.ts) only: the agent is no RADIUS client of /system/radius (its RADIUS is
  // /access), and it neither runs NTP nor sets the clock's time zone or the resolver's port
  'ietf-system': ['authentication', 'local-users'],
  // imported by ietf-system: the password hashes src/auth/crypt.ts reads ($1$, $5$, $6$)
  'iana-crypt-hash': ['crypt-hash-md5', 'crypt-hash-sha-256', 'crypt-hash-sha-512'],
};

/** Search path: FLOWTAPD_YANG_PATH (colon-separated) first, then yang/, then the system's standard modules. */
export function searchPath(): string[] {
  const extra = (process.env.FLOWTAPD_YANG_PATH ?? '').split(':').filter(Boolean);
  return [...extra, PROJECT_YANG_DIR, ...DEFAULT_SEARCH_PATH];
}
