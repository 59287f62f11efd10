/**
 * Operational state of the NETCONF server itself: ietf-netconf-monitoring
 * (/netconf-state: capabilities, datastores and locks, schemas, sessions,
 * statistics), ietf-yang-library (/modules-state, RFC 7895), the event
 * streams of nc-notifications (/netconf/streams, RFC 5277 3.2.5) and the
 * configuration history of flowtapd-system.
 */
import type { SchemaContext } from '../yang/schema';
import type { DataNode } from '../yang/data/node';
import { parseJson } from '../yang/data';
import { findChild, insertChild } from '../yang/data/tree';
import type { AgentCore } from '../netconf/core';
import type { DatastoreName } from '../datastore';

/**
 * Add the nodes of an RFC 7951 JSON object to `root`: containers that
 * already exist there (config containers holding state) are merged into,
 * everything else is inserted.
 */
export function addState(ctx: SchemaContext, root: DataNode, obj: Record<string, unknown>): void {
  const tree = parseJson(ctx, JSON.stringify(obj), { type: 'data' });
  mergeChildren(root, tree);
}

function mergeChildren(dst: DataNode, src: DataNode): void {
  for (const c of [...src.children]) {
    const same = c.schema.kind === 'container' ? findChild(dst, c.schema) : undefined;
    if (same) mergeChildren(same, c);
    else {
      c.parent = null;
      insertChild(dst, c);
    }
  }
}

export function monitoringState(core: AgentCore): (root: DataNode) => void {
  return (root) => {
    const ds = core.ds;
    const datastores = (['running', 'candidate', 'startup'] as DatastoreName[]).map((name) => {
      const owner = ds.lockOwner(name);
      const entry: Record<string, unknown> = { name };
      if (owner !== undefined) {
        entry.locks = { 'global-lock': { 'locked-by-session': owner, 'locked-time': (ds.lockTime(name) ?? new Date()).toISOString() } };
      }
      return entry;
    });
    const schemas = [...core.ctx.modules.values()].map((m) => ({
      identifier: m.name,
      version: m.revision ?? '',
      format: 'yang',
      namespace: m.namespace,
      location: ['NETCONF'],
    }));
    const sessions = core.sessions().map((s) => ({
      'session-id': s.id,
      transport: 'netconf-ssh',
      username: s.username,
      'source-host': s.sourceHost,
      'login-time': s.loginTime.toISOString(),
      'in-rpcs': s.stats.inRpcs,
      'in-bad-rpcs': s.stats.inBadRpcs,
      'out-rpc-errors': s.stats.outRpcErrors,
      'out-notifications': s.stats.outNotifications,
    }));
    const st = { ...core.stats, ...core.transportStats() };
    const modulesState = [...core.ctx.modules.values()].map((m) => {
      const features = [...m.features.values()].filter((f) => f.enabled).map((f) => f.name);
      const entry: Record<string, unknown> = {
        name: m.name,
        revision: m.revision ?? '',
        namespace: m.namespace,
        'conformance-type': m.implemented ? 'implement' : 'import',
      };
      if (features.length) entry.feature = features;
      if (m.deviatedBy.length) entry.deviation = m.deviatedBy.map((d) => ({ name: d.name, revision: d.revision ?? '' }));
      if (m.submodules.length) entry.submodule = m.submodules.map((s) => ({ name: s.name, revision: s.revision ?? '' }));
      return entry;
    });
    const history = ds.history().map((h) => ({ index: h.index, time: h.time.toISOString() }));
    // RFC 5277 3.2.5 / 4: the one stream, NETCONF. replayLogCreationTime is when the log was
    // created (the module: "might be earlier than the earliest available notification in the
    // log"), not the time of its oldest event; the module has no leaf for events aged out.
    const hub = core.notifications;
    const stream: Record<string, unknown> = {
      name: 'NETCONF',
      description: 'Default NETCONF event stream: every event notification of the server.',
      replaySupport: hub.replayLimit > 0,
    };
    if (hub.replayLimit > 0) stream.replayLogCreationTime = hub.created.toISOString();
    addState(core.ctx, root, {
      'ietf-netconf-monitoring:netconf-state': {
        capabilities: { capability: core.capabilities() },
        datastores: { datastore: datastores },
        schemas: { schema: schemas },
        sessions: { session: sessions },
        statistics: {
          'netconf-start-time': st.netconfStartTime.toISOString(),
          'in-bad-hellos': st.inBadHellos,
          'in-sessions': st.inSessions,
          'dropped-sessions': st.droppedSessions,
          'in-rpcs': st.inRpcs,
          'in-bad-rpcs': st.inBadRpcs,
          'out-rpc-errors': st.outRpcErrors,
          'out-notifications': st.outNotifications,
        },
      },
      'ietf-yang-library:modules-state': { 'module-set-id': core.ctx.moduleSetId, module: modulesState },
      'nc-notifications:netconf': { streams: { stream: [stream] } },
      'flowtapd-system:configuration-history': history.length ? { commit: history } : {},
    });
  };
}
