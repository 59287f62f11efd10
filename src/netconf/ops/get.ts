/** <get> and <get-config> (RFC 6241 7.1, 7.7) with filters and with-defaults (RFC 6243). */
import { AgentError } from '../../errors';
import { toXml } from '../../yang/data';
import { clone } from '../../yang/data/tree';
import type { ReplyBody, RpcCall } from '../core';
import type { WithDefaults } from '../../yang/data';
import { applyFilter, datastoreParam, param, withDefaultsParam } from './common';
import type { DataNode } from '../../yang/data/node';
import { NC_NS } from '../rpc-error';

/**
 * NACM: what the user may read, pruned BEFORE filtering (a filter on a
 * hidden node selects nothing, as on a missing one). XPath may walk
 * upwards, so it gets a self-contained copy; otherwise the view shares the
 * readable subtrees (no copy of big configurations).
 */
function readable(call: RpcCall, tree: DataNode): DataNode {
  const f = param(call.el, 'filter');
  const type = f ? (f.attrs.get('{}type') ?? f.attrs.get(`{${NC_NS}}type`)) : undefined;
  return type === 'xpath' ? call.access.pruneRead(tree) : call.access.readView(tree);
}

/**
 * `<data>` with the tree in it, made while the reply is sent: toXml hands
 * over pieces of about 64 KiB, each written out at once, so a big reply is
 * never one string and the client reads its first bytes while the rest is
 * being made. The transport runs it right after this handler returns, before
 * any other RPC (the handler answers without a promise); datastore trees are
 * replaced, never changed, once installed.
 */
function dataReply(tree: DataNode, wd: WithDefaults): ReplyBody {
  return new DataReply(tree, wd);
}

class DataReply {
  private emit: ((piece: string) => void) | null = null;
  private first = true;

  constructor(
    private readonly tree: DataNode,
    private readonly wd: WithDefaults,
  ) {}

  produce(emit: (piece: string) => void): void {
    this.emit = emit;
    this.first = true;
    toXml(this.tree, { withDefaults: this.wd, sink: this.piece.bind(this) });
    emit(this.first ? '<data></data>' : '</data>');
  }

  private piece(piece: string): void {
    this.emit!(this.first ? `<data>${piece}` : piece);
    this.first = false;
  }
}

export function getConfig(call: RpcCall): ReplyBody {
  const src = datastoreParam(call.el, 'source');
  if (typeof src !== 'string') throw new AgentError('bad-element', 'get-config needs a datastore as source.', { type: 'protocol' });
  const wd = withDefaultsParam(call.el);
  let tree = readable(call, call.core.ds.get(src));
  tree = applyFilter(call, tree);
  return dataReply(tree, wd ?? 'explicit');
}

export function get(call: RpcCall): ReplyBody {
  const wd = withDefaultsParam(call.el);
  const root = clone(call.core.ds.get('running'));
  for (const p of call.core.stateProviders) p(root, call.access);
  let tree = readable(call, root);
  tree = applyFilter(call, tree);
  return dataReply(tree, wd ?? 'explicit');
}
