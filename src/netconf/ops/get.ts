/** <get> and <get-config> (RFC 6241 7.1, 7.7) with filters and with-defaults (RFC 6243). */
import { AgentError } from '../../errors';
import { XmlPieces } from '../../yang/data';
import type { PieceBuffers } from '../transport';
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

/** how much of a reply is written between two pauses (see DataReply) */
const PART_BYTES = 1024 * 1024;

/**
 * `<data>` with the tree in it, made while the reply is sent: written as
 * UTF-8 straight into the transport's buffers (XmlPieces, about 256 KiB a
 * piece, each sent at once), a part of PART_BYTES at a time. Between two
 * parts the channel sends and the event loop runs (other sessions,
 * commits, RADIUS), so a reply of many megabytes is never one string,
 * neither stops the agent nor waits in memory for the client, and the
 * client reads its first bytes while the rest is being made. The tree read
 * is then held (`release`: see Datastore.hold), since a commit meanwhile
 * may replace it.
 */
class DataReply {
  constructor(
    private readonly tree: DataNode,
    private readonly wd: WithDefaults,
    private readonly release?: () => void,
  ) {}

  produce(emit: (piece: string | Buffer) => void, buffers: PieceBuffers): void | Promise<void> {
    const w = new XmlPieces(this.tree, { take: (min) => buffers.take(min), sink: emit }, { withDefaults: this.wd, head: '<data>', tail: '</data>' });
    if (!w.write(PART_BYTES)) return this.rest(w, buffers);
    this.release?.();
  }

  private async rest(w: XmlPieces, buffers: PieceBuffers): Promise<void> {
    try {
      do {
        if (!(await buffers.pause())) return;
      } while (!w.write(PART_BYTES));
    } finally {
      this.release?.();
    }
  }
}

export function getConfig(call: RpcCall): ReplyBody {
  const src = datastoreParam(call.el, 'source');
  if (typeof src !== 'string') throw new AgentError('bad-element', 'get-config needs a datastore as source.', { type: 'protocol' });
  const wd = withDefaultsParam(call.el);
  const stored = call.core.ds.get(src);
  const tree = applyFilter(call, readable(call, stored));
  // the reply shares the stored tree's nodes
  return new DataReply(tree, wd ?? 'explicit', call.core.ds.hold(stored));
}

export function get(call: RpcCall): ReplyBody {
  const wd = withDefaultsParam(call.el);
  const root = clone(call.core.ds.get('running'));
  for (const p of call.core.stateProviders) p(root, call.access);
  let tree = readable(call, root);
  tree = applyFilter(call, tree);
  return new DataReply(tree, wd ?? 'explicit'); // its own copy: nothing to hold
}
