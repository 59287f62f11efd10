/**
 * Route lookups (RTM_GETROUTE, as `ip route get`): which interface the kernel
 * sends a subscriber's traffic out of. Used to find the mirrored subscribers
 * behind each subscriber interface for multicast-interception.
 */

import { attr, parseAttrs, Rtnl } from './rtnl';
import type { Prefix } from './tc';

const RTM_NEWROUTE = 24;
const RTM_GETROUTE = 26;
const RTA_DST = 1;
const RTA_OIF = 4;
const NLMSG_ERROR = 2;
const AF_INET = 2;
const AF_INET6 = 10;

/** The output interface index for the prefix's first address, or undefined (no route, or a refusal). */
export async function routeOif(nl: Rtnl, p: Prefix): Promise<number | undefined> {
  const rtm = Buffer.alloc(12);
  rtm[0] = p.family === 4 ? AF_INET : AF_INET6;
  rtm[1] = p.family === 4 ? 32 : 128;
  const [msgs] = await nl.sock.request(RTM_GETROUTE, Buffer.concat([rtm, attr(RTA_DST, p.addr)]), { checkError: false } as never);
  for (const m of msgs) {
    if (m.type === NLMSG_ERROR) return undefined;
    if (m.type !== RTM_NEWROUTE) continue;
    const oif = parseAttrs(m.data.subarray(12)).get(RTA_OIF);
    return oif ? oif.readUInt32LE(0) : undefined;
  }
  return undefined;
}

/** Looks many up, a window at a time. */
export async function routeOifs(nl: Rtnl, ps: Prefix[], window = 256): Promise<(number | undefined)[]> {
  const out: (number | undefined)[] = new Array(ps.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ps.length) {
      const i = next++;
      out[i] = await routeOif(nl, ps[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, ps.length) }, lane));
  return out;
}
