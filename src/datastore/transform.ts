/**
 * Transforms applied to every configuration tree written into a datastore
 * (edit-config, copy-config, commit): ietf-system passwords given as
 * `$0$cleartext` (iana-crypt-hash) are stored as SHA-512-crypt hashes, so
 * cleartext never reaches a datastore, a file or a reply.
 */
import { AgentError } from '../errors';
import type { DataNode } from '../yang/data/node';
import { pathOf } from '../yang/data';
import { normalizeCryptHash } from '../auth';

const SYS = 'ietf-system';

function named(c: DataNode, name: string): boolean {
  return c.schema.name === name && c.schema.module.name === SYS;
}

/** Hash `$0$` passwords of /system/authentication/user in place. Returns how many were hashed. */
export function hashCleartextPasswords(root: DataNode): number {
  // every commit passes here: plain loops, nothing allocated on the way down
  let n = 0;
  for (const sys of root.children) {
    if (!named(sys, 'system')) continue;
    for (const auth of sys.children) {
      if (!named(auth, 'authentication')) continue;
      for (const user of auth.children) {
        if (!named(user, 'user')) continue;
        for (const pw of user.children) {
          if (!named(pw, 'password')) continue;
          const v = pw.value;
          if (v === null || v === undefined || !v.startsWith('$0$')) continue;
          try {
            pw.value = normalizeCryptHash(v);
          } catch (e) {
            const p = pathOf(pw);
            throw new AgentError('invalid-value', (e as Error).message, { path: p.xml, pathNs: p.ns });
          }
          n++;
        }
      }
    }
  }
  return n;
}

/** Everything a tree goes through before it is stored. */
export function transformForWrite(root: DataNode): void {
  hashCleartextPasswords(root);
}
