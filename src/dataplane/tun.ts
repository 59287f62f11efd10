/** Persistent TUN devices (IFF_TUN | IFF_NO_PI), created by name. */

import * as fs from 'fs';
import { AgentError } from '../errors';
import { native } from './native';
import { deleteLink, getLink, KernelError, Rtnl, setLinkUp } from './rtnl';

export const IFNAMSIZ_MAX = 15;

export function checkIfName(name: string): void {
  if (typeof name !== 'string' || name.length < 1 || Buffer.byteLength(name) > IFNAMSIZ_MAX || /[\s/:]/.test(name) || name === '.' || name === '..')
    throw new AgentError('invalid-value', `interface name ${JSON.stringify(name)}: 1 to 15 characters, no '/', ':' or white space`);
}

/** Opens (creating when absent) a persistent TUN device; returns its fd, non-blocking. */
export function openTun(name: string): number {
  checkIfName(name);
  let r: { fd: number; name: string };
  try {
    r = native().tunOpen(name);
  } catch (e) {
    const err = e as Error & { errno?: number };
    if (err instanceof AgentError) throw err;
    throw new KernelError(`create TUN ${name}`, -(err.errno ?? 22), err.message);
  }
  try {
    native().tunSetPersist(r.fd, true);
  } catch (e) {
    native().close(r.fd);
    const err = e as Error & { errno?: number };
    throw new KernelError(`make TUN ${name} persistent`, -(err.errno ?? 22), err.message);
  }
  // No IPv6 autoconfiguration noise on a mirror sink. Best effort: IPv6 may be off (no such
  // file), and what the kernel sends on the device anyway (router solicitations from fe80::)
  // names no subscriber, so the relay drops it (see tools/flowtapd.service: /proc/sys must
  // stay visible and writable for this).
  try {
    fs.writeFileSync(`/proc/sys/net/ipv6/conf/${name}/disable_ipv6`, '1');
  } catch {
    /* see above */
  }
  return r.fd;
}

export function closeFd(fd: number): void {
  try {
    native().close(fd);
  } catch {
    /* already closed */
  }
}

/** Creates the TUN device (persistent, up) and returns its ifindex; the fd is closed. */
export async function ensureTun(nl: Rtnl, name: string): Promise<number> {
  const fd = openTun(name);
  closeFd(fd);
  const l = await getLink(nl, name);
  if (!l) throw new AgentError('operation-failed', `TUN ${name} vanished after creation`);
  if (!l.up) await setLinkUp(nl, l.index, true, name);
  return l.index;
}

export async function removeTun(nl: Rtnl, name: string): Promise<void> {
  const l = await getLink(nl, name);
  if (l) await deleteLink(nl, l.index, name);
}
