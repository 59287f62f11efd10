/**
 * The mirror-relevant part of running, read into a typed value: the tunnel
 * pool, source address, forwarding class code point, session cap,
 * subscriber interfaces, drop policies, and the RADIUS listener settings.
 */
import type { DataNode } from '../yang/data/node';
import type { DropRule } from '../relay';

export interface PoolMember {
  name: string;
  /** ietf-interfaces enabled (default true) */
  enabled: boolean;
  /**
   * Why the configuration makes the member unusable: no ietf-interfaces
   * entry, or one that is not a tunnel. The pool does not constrain the
   * public configuration (a user who cannot read it would learn the pool
   * from their refused edits), so such a member is simply down: it takes
   * no mirrors, its mirrors move, and the dataplane does not manage it.
   */
  unusable?: 'not-configured' | 'not-a-tunnel';
}

export interface MirrorConfig {
  flowTap: boolean;
  pool: PoolMember[];
  sourceIpv4?: string;
  /** the forwarding class's code point; undefined: no class set, the class is not configured or has no dscp (the packet's own DSCP) */
  dscp?: number;
  multicast: boolean;
  maximumSessions: number;
  subscriberInterfaces: string[];
  dropRules: DropRule[];
  radius: {
    coaPort: number;
    acctPort: number;
    /** requireMessageAuthenticator only when true (the YANG default is false) */
    clients: { address: string; secret: string; requireMessageAuthenticator?: true }[];
    eventTimestampWindow: number;
    /** /access/nas-identifier and nas-address: this box's own NAS identities (service.ts, namesNasOf) */
    nasIdentifiers: string[];
    nasAddresses: string[];
  };
}

const FTS = 'flowtapd-services';
const FTA = 'flowtapd-access';
const COS = 'flowtapd-class-of-service';
const IF = 'ietf-interfaces';
/** ianaift:tunnel as the data tree holds an identityref (no identity derives from it) */
const TUNNEL = 'iana-if-type:tunnel';

function kid(n: DataNode | undefined, mod: string, name: string): DataNode | undefined {
  if (!n) return undefined;
  for (const c of n.children) if (c.schema.name === name && c.schema.module.name === mod) return c;
  return undefined;
}

function kids(n: DataNode | undefined, name: string): DataNode[] {
  return n ? n.children.filter((c) => c.schema.name === name) : [];
}

function val(n: DataNode | undefined, name: string): string | undefined {
  const c = n?.children.find((x) => x.schema.name === name);
  return c?.value ?? undefined;
}

function vals(n: DataNode | undefined, name: string): string[] {
  return kids(n, name).map((c) => c.value ?? '');
}

export function readMirrorConfig(running: DataNode): MirrorConfig {
  const services = kid(running, FTS, 'services');
  const flowTap = kid(services, FTS, 'flow-tap') !== undefined;
  const rft = kid(services, FTS, 'radius-flow-tap');
  const ifaces = kid(running, IF, 'interfaces');
  const members = vals(rft, 'interfaces');
  const entries = new Map<string, DataNode>();
  if (members.length) for (const i of kids(ifaces, 'interface')) entries.set(val(i, 'name') ?? '', i);
  const pool = members.map((name): PoolMember => {
    const entry = entries.get(name);
    const m: PoolMember = { name, enabled: val(entry, 'enabled') !== 'false' };
    if (!entry) m.unusable = 'not-configured';
    else if (val(entry, 'type') !== TUNNEL) m.unusable = 'not-a-tunnel';
    return m;
  });
  let dscp: number | undefined;
  const fc = val(rft, 'forwarding-class');
  if (fc !== undefined) {
    const cls = kids(kid(kid(running, COS, 'class-of-service'), COS, 'forwarding-classes'), 'class').find((c) => val(c, 'name') === fc);
    const d = val(cls, 'dscp');
    if (d !== undefined) dscp = Number(d);
  }
  const access = kid(running, FTA, 'access');
  return {
    flowTap,
    pool: flowTap ? pool : [],
    sourceIpv4: val(rft, 'source-ipv4-address'),
    dscp,
    multicast: kid(rft, FTS, 'multicast-interception') !== undefined,
    maximumSessions: Number(val(rft, 'maximum-sessions') ?? '2048'),
    subscriberInterfaces: flowTap ? vals(rft, 'subscriber-interfaces') : [],
    dropRules: readDropRules(rft),
    radius: {
      coaPort: Number(val(access, 'radius-disconnect-port') ?? '3799'),
      acctPort: Number(val(access, 'radius-accounting-port') ?? '1813'),
      clients: kids(access, 'radius-client').map((c) => {
        const client: MirrorConfig['radius']['clients'][number] = { address: val(c, 'address') ?? '', secret: val(c, 'secret') ?? '' };
        if (val(c, 'require-message-authenticator') === 'true') client.requireMessageAuthenticator = true;
        return client;
      }),
      eventTimestampWindow: Number(val(access, 'event-timestamp-window') ?? '300'),
      nasIdentifiers: vals(access, 'nas-identifier'),
      nasAddresses: vals(access, 'nas-address'),
    },
  };
}

/**
 * Two mirror configurations hold the same values (plain data: objects,
 * arrays, strings, numbers, booleans; an undefined member counts as
 * absent). Asked at every commit: compared in place, no text built.
 */
export function sameConfig(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameConfig(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k in ao) if (ao[k] !== undefined && !sameConfig(ao[k], bo[k])) return false;
  for (const k in bo) if (bo[k] !== undefined && ao[k] === undefined) return false;
  return true;
}

const PROTOCOLS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmp6: 58, ospf: 89, pim: 103, sctp: 132 };
/** Port ranges are expanded into single-port rules up to this many ports per range. */
export const MAX_RANGE_EXPANSION = 1024;

function ports(list: string[]): (number | undefined)[] {
  if (!list.length) return [undefined];
  const out: number[] = [];
  for (const p of list) {
    const m = /^(\d+)-(\d+)$/.exec(p);
    if (!m) out.push(Number(p));
    else for (let i = Number(m[1]); i <= Math.min(Number(m[2]), Number(m[1]) + MAX_RANGE_EXPANSION - 1); i++) out.push(i);
  }
  return out;
}

function orAny<T>(list: T[]): (T | undefined)[] {
  return list.length ? list : [undefined];
}

/** Every drop-policy term, expanded into single-valued relay rules (cross product of its match lists). */
function readDropRules(rft: DataNode | undefined): DropRule[] {
  const rules: DropRule[] = [];
  for (const policy of kids(rft, 'policy')) {
    for (const [famName, family] of [['inet', 4], ['inet6', 6]] as const) {
      for (const dp of kids(kid(policy, FTS, famName), 'drop-policy')) {
        const from = kid(dp, FTS, 'from');
        for (const sa of orAny(vals(from, 'source-address')))
          for (const da of orAny(vals(from, 'destination-address')))
            for (const sp of ports(vals(from, 'source-port')))
              for (const dpt of ports(vals(from, 'destination-port')))
                for (const pr of orAny(vals(from, 'protocol')))
                  for (const ds of orAny(vals(from, 'dscp'))) {
                    const r: DropRule = { family };
                    if (sa !== undefined) r.sourceAddress = sa;
                    if (da !== undefined) r.destinationAddress = da;
                    if (sp !== undefined) r.sourcePort = sp;
                    if (dpt !== undefined) r.destinationPort = dpt;
                    if (pr !== undefined) r.protocol = PROTOCOLS[pr] ?? Number(pr);
                    if (ds !== undefined) r.dscp = Number(ds);
                    rules.push(r);
                  }
      }
    }
  }
  return rules;
}
