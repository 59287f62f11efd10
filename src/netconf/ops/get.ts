/** <get> and <get-config> (RFC 6241 7.1, 7.7) with filters and with-defaults (RFC 6243). */
import { AgentError } from '../../errors';
import { toXml } from '../../yang/data';
import { clone } from '../../yang/data/tree';
import type { RpcCall } from '../core';
import { applyFilter, datastoreParam, withDefaultsParam } from './common';

export function getConfig(call: RpcCall): string {
  const src = datastoreParam(call.el, 'source');
  if (typeof src !== 'string') throw new AgentError('bad-element', 'get-config needs a datastore as source.', { type: 'protocol' });
  const wd = withDefaultsParam(call.el);
  let tree = call.access.pruneRead(call.core.ds.get(src));
  tree = applyFilter(call, tree);
  return `<data>${toXml(tree, { withDefaults: wd ?? 'explicit' })}</data>`;
}

export function get(call: RpcCall): string {
  const wd = withDefaultsParam(call.el);
  const root = clone(call.core.ds.get('running'));
  for (const p of call.core.stateProviders) p(root, call.access);
  let tree = call.access.pruneRead(root);
  tree = applyFilter(call, tree);
  return `<data>${toXml(tree, { withDefaults: wd ?? 'explicit' })}</data>`;
}
