/**
 * Local users of ietf-system (/system/authentication/user): password
 * checks against crypt hashes and SSH public keys (authorized-key), and
 * NACM group membership (/nacm/groups/group/user-name). Read from running
 * at each login, so a commit takes effect for the next session.
 */
import type { DataNode } from '../yang/data/node';
import { findChildByName } from '../yang/data/tree';
import { verifyPassword } from '../auth';
import type { AuthRequest } from '../netconf/transport';

const SYS = 'ietf-system';
const NACM = 'ietf-netconf-acm';

function child(n: DataNode | undefined, mod: string, name: string): DataNode | undefined {
  return n ? findChildByName(n, mod, name) : undefined;
}

function userEntries(running: DataNode): DataNode[] {
  const auth = child(child(running, SYS, 'system'), SYS, 'authentication');
  return auth ? auth.children.filter((c) => c.schema.name === 'user') : [];
}

function leaf(n: DataNode, name: string): string | undefined {
  return n.children.find((c) => c.schema.name === name)?.value ?? undefined;
}

export function userExists(running: DataNode, name: string): boolean {
  return userEntries(running).some((u) => leaf(u, 'name') === name);
}

export function countUsers(running: DataNode): number {
  return userEntries(running).length;
}

/** Check a login against running. The transport has verified a public key's signature already. */
export function authenticate(running: DataNode, req: AuthRequest): boolean {
  const user = userEntries(running).find((u) => leaf(u, 'name') === req.username);
  if (!user) {
    if (req.method === 'password' && req.password !== undefined) verifyPassword(req.password, '$6$rounds=5000$nouser$'); // same cost either way
    return false;
  }
  if (req.method === 'password') {
    const hash = leaf(user, 'password');
    return hash !== undefined && req.password !== undefined && verifyPassword(req.password, hash);
  }
  if (req.method === 'publickey' && req.key) {
    for (const k of user.children.filter((c) => c.schema.name === 'authorized-key')) {
      const algo = leaf(k, 'algorithm');
      const data = leaf(k, 'key-data');
      if (algo === req.key.algo && data !== undefined && Buffer.from(data, 'base64').equals(req.key.data)) return true;
    }
  }
  return false;
}

/** NACM groups the user belongs to. */
export function groupsOf(running: DataNode, user: string): string[] {
  const groups = child(child(running, NACM, 'nacm'), NACM, 'groups');
  if (!groups) return [];
  const out: string[] = [];
  for (const g of groups.children) {
    if (g.schema.name !== 'group') continue;
    if (g.children.some((c) => c.schema.name === 'user-name' && c.value === user)) out.push(leaf(g, 'name') ?? '');
  }
  return out;
}
