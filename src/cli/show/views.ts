/**
 * What each view asks for (a subtree filter for <get>) and how it turns the
 * reply into rows: JSON rows keyed by the YANG leaf names (numbers as
 * numbers, leaf-lists as arrays) and the columns of the table.
 */
import type { XmlElement } from '../../xml/dom';
import type { Column } from './table';
import type { View } from './args';

export const NS_FTS = 'urn:flowtapd:yang:services';
export const NS_FTA = 'urn:flowtapd:yang:access';
const NC_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';

export type Row = Record<string, string | number | boolean | string[] | Record<string, number>>;

export interface ViewResult {
  /** what --json prints */
  json: unknown;
  /** what the table shows */
  text: string;
}

/** Child elements by path of local names, all in namespace ns. */
function walk(el: XmlElement | undefined, ns: string, names: string[]): XmlElement[] {
  let cur: XmlElement[] = el ? [el] : [];
  for (const n of names) cur = cur.flatMap((e) => e.children.filter((c) => c.local === n && c.ns === ns));
  return cur;
}

/** The <data> element of a <get> reply. */
export function dataOf(reply: XmlElement): XmlElement | undefined {
  return reply.children.find((c) => c.local === 'data' && c.ns === NC_NS);
}

const text = (e: XmlElement, n: string): string | undefined => {
  const c = e.children.find((x) => x.local === n);
  return c === undefined ? undefined : c.text.trim();
};
const num = (e: XmlElement, n: string): number => {
  const v = text(e, n);
  return v === undefined || v === '' ? 0 : Number(v);
};
const all = (e: XmlElement, n: string): string[] => e.children.filter((x) => x.local === n).map((x) => x.text.trim());

/** 2026-11-24T10:00:00.123Z -> 2026-11-24 10:00:00Z */
export function shortTime(t: string | undefined): string {
  if (!t) return '-';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(t);
  return m ? `${m[1]} ${m[2]}${m[3]}` : t;
}

const str = (k: string) => (r: Row): string => (r[k] === undefined || r[k] === '' ? '-' : String(r[k]));
const col = (title: string, key: string, align: 'left' | 'right' = 'left'): Column<Row> => ({ title, value: str(key), align });

interface ViewDef {
  filter: string;
  build(data: XmlElement | undefined): { rows: Row[]; json: unknown; columns: Column<Row>[]; footer?: string; empty: string };
}

const VIEWS: Record<View, ViewDef> = {
  sessions: {
    filter: `<services xmlns="${NS_FTS}"><radius-flow-tap><sessions/></radius-flow-tap></services>`,
    build(data) {
      const rows: Row[] = walk(data, NS_FTS, ['services', 'radius-flow-tap', 'sessions', 'session']).map((s) => {
        const r: Row = {
          'acct-session-id': text(s, 'acct-session-id') ?? '',
          'subscriber-address': all(s, 'subscriber-address'),
          'subscriber-prefix': all(s, 'subscriber-prefix'),
          state: text(s, 'state') ?? '',
          packets: num(s, 'packets'),
          bytes: num(s, 'bytes'),
          'policy-drops': num(s, 'policy-drops'),
        };
        for (const k of ['user-name', 'tunnel-interface', 'start-time', 'mediation-address']) {
          const v = text(s, k);
          if (v !== undefined) r[k] = v;
        }
        for (const k of ['intercept-id', 'session-id', 'mediation-port']) if (text(s, k) !== undefined) r[k] = num(s, k);
        return r;
      });
      return {
        rows,
        json: { sessions: rows },
        empty: 'no mirror sessions (none running, or this user may not read them)',
        columns: [
          col('ACCT-SESSION-ID', 'acct-session-id'),
          col('USER', 'user-name'),
          // with their lengths (an agent older than subscriber-prefix: the bare addresses)
          { title: 'ADDRESSES', value: (r) => ((r['subscriber-prefix'] as string[]).length ? (r['subscriber-prefix'] as string[]) : (r['subscriber-address'] as string[])).join(',') || '-' },
          col('TUNNEL', 'tunnel-interface'),
          col('STATE', 'state'),
          col('PACKETS', 'packets', 'right'),
          col('BYTES', 'bytes', 'right'),
          col('DROPS', 'policy-drops', 'right'),
          { title: 'START', value: (r) => shortTime(r['start-time'] as string | undefined) },
        ],
      };
    },
  },
  tunnels: {
    filter: `<services xmlns="${NS_FTS}"><radius-flow-tap><tunnel-state/><relay-statistics/></radius-flow-tap></services>`,
    build(data) {
      const rows: Row[] = walk(data, NS_FTS, ['services', 'radius-flow-tap', 'tunnel-state', 'tunnel']).map((t) => ({
        name: text(t, 'name') ?? '',
        enabled: text(t, 'enabled') === 'true',
        'oper-status': text(t, 'oper-status') ?? '',
        sessions: num(t, 'sessions'),
        // why a member is down: not-configured, not-a-tunnel, link-down
        ...(text(t, 'reason') !== undefined ? { reason: text(t, 'reason')! } : {}),
      }));
      const rs = walk(data, NS_FTS, ['services', 'radius-flow-tap', 'relay-statistics'])[0];
      const relay = rs && Object.fromEntries(['copies-sent', 'send-failures', 'unmatched', 'oversize'].map((k) => [k, num(rs, k)]));
      return {
        rows,
        json: relay ? { tunnels: rows, 'relay-statistics': relay } : { tunnels: rows },
        footer: relay
          ? `relay: ${relay['copies-sent']} copies sent, ${relay['send-failures']} send failures, ${relay.unmatched} packets matching no mirror, ${relay.oversize} too big to copy\n`
          : undefined,
        empty: 'no tunnel pool members (none configured, or this user may not read them)',
        columns: [
          col('MEMBER', 'name'),
          { title: 'ENABLED', value: (r) => (r.enabled ? 'yes' : 'no') },
          col('LINK', 'oper-status'),
          col('SESSIONS', 'sessions', 'right'),
          col('REASON', 'reason'),
        ],
      };
    },
  },
  subscribers: {
    filter: `<subscribers xmlns="${NS_FTA}"/>`,
    build(data) {
      const rows: Row[] = walk(data, NS_FTA, ['subscribers', 'subscriber']).map((s) => {
        const r: Row = { 'acct-session-id': text(s, 'acct-session-id') ?? '' };
        for (const k of ['user-name', 'framed-ip-address', 'framed-ipv6-prefix', 'nas-identifier', 'nas-ip-address', 'nas-ipv6-address', 'radius-client', 'nas-port-id', 'start-time']) {
          const v = text(s, k);
          if (v !== undefined) r[k] = v;
        }
        // addresses accounting reported that cannot be one subscriber's (not learned; a CoA starting its mirror gets NAK 501)
        const refused = all(s, 'refused-address');
        if (refused.length) r['refused-address'] = refused;
        return r;
      });
      const top = walk(data, NS_FTA, ['subscribers'])[0];
      const refusedTotal = top ? num(top, 'refused-addresses') : 0;
      return {
        rows,
        json: { subscribers: rows, 'refused-addresses': refusedTotal },
        footer: refusedTotal ? `refused addresses: ${refusedTotal} accounting values that cannot be one subscriber's, not learned\n` : undefined,
        empty: 'no subscribers learned from accounting',
        columns: [
          col('ACCT-SESSION-ID', 'acct-session-id'),
          col('USER', 'user-name'),
          col('IPV4', 'framed-ip-address'),
          col('IPV6-PREFIX', 'framed-ipv6-prefix'),
          // the NAS that reported the session: what its accounting named it by, else the address it came from
          {
            title: 'NAS',
            value: (r) =>
              ['nas-identifier', 'nas-ip-address', 'nas-ipv6-address']
                .map((k) => r[k])
                .filter((v) => v !== undefined)
                .join(',') || str('radius-client')(r),
          },
          col('NAS-PORT-ID', 'nas-port-id'),
          { title: 'START', value: (r) => shortTime(r['start-time'] as string | undefined) },
          { title: 'REFUSED', value: (r) => ((r['refused-address'] as string[] | undefined) ?? []).join(',') || '-' },
        ],
      };
    },
  },
  radius: {
    filter: `<radius-statistics xmlns="${NS_FTA}"/>`,
    build(data) {
      const stats = walk(data, NS_FTA, ['radius-statistics'])[0];
      const COUNTERS = ['requests', 'coa-requests', 'disconnect-requests', 'accounting-requests', 'acks', 'naks', 'accounting-responses', 'duplicates'];
      const rows: Row[] = walk(stats, NS_FTA, ['client']).map((c) => {
        const r: Row = { address: text(c, 'address') ?? '' };
        // a user outside the LI groups is not given the CoA and Disconnect counters: shown as "-"
        for (const k of COUNTERS) if (text(c, k) !== undefined) r[k] = num(c, k);
        const dropped: Record<string, number> = {};
        for (const d of walk(c, NS_FTA, ['dropped'])[0]?.children ?? []) dropped[d.local] = Number(d.text.trim());
        r.dropped = dropped;
        return r;
      });
      const unknownEl = walk(stats, NS_FTA, ['unknown-clients'])[0];
      const unknown = {
        dropped: unknownEl ? num(unknownEl, 'dropped') : 0,
        sources: walk(unknownEl, NS_FTA, ['source']).map((s) => ({ address: text(s, 'address') ?? '', dropped: num(s, 'dropped') })),
      };
      const totalDrops = (r: Row): number => Object.values(r.dropped as Record<string, number>).reduce((a, b) => a + b, 0);
      const reasons = (r: Row): string =>
        Object.entries(r.dropped as Record<string, number>)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || '-';
      let footer = `unknown clients: ${unknown.dropped} dropped`;
      if (unknown.sources.length) footer += ` (${unknown.sources.map((s) => `${s.address} ${s.dropped}`).join(', ')}${unknown.sources.reduce((a, s) => a + s.dropped, 0) < unknown.dropped ? ', ...' : ''})`;
      return {
        rows,
        json: { clients: rows, 'unknown-clients': unknown },
        empty: 'no RADIUS clients configured',
        footer: footer + '\n',
        columns: [
          col('CLIENT', 'address'),
          col('REQUESTS', 'requests', 'right'),
          col('COA', 'coa-requests', 'right'),
          col('DISCONNECT', 'disconnect-requests', 'right'),
          col('ACCOUNTING', 'accounting-requests', 'right'),
          col('ACK', 'acks', 'right'),
          col('NAK', 'naks', 'right'),
          col('ACCT-RESP', 'accounting-responses', 'right'),
          col('DUPLICATES', 'duplicates', 'right'),
          { title: 'DROPPED', value: (r) => String(totalDrops(r)), align: 'right' },
          { title: 'DROP REASONS', value: reasons },
        ],
      };
    },
  },
};

export function filterFor(view: View): string {
  return VIEWS[view].filter;
}

/** Rows, JSON and table text of one view from a <get> reply's root element. */
export function render(view: View, reply: XmlElement, renderTable: <R>(c: Column<R>[], rows: R[]) => string): ViewResult {
  const b = VIEWS[view].build(dataOf(reply));
  const table = b.rows.length ? renderTable(b.columns, b.rows) : renderTable(b.columns, []) + `${b.empty}\n`;
  return { json: b.json, text: table + (b.footer ?? '') };
}
