/** <get> and <get-config> (RFC 6241 7.1, 7.7) with filters and with-defaults (RFC 6243). */
import { AgentError } from '../../errors';
import { XmlPieces } from '../../yang/data';
import type { PieceBuffers } from '../transport';
import { clone } from '../../yang/data/tree';
import type { ReplyBody, RpcCall } from '../core';
import type { WithDefaults } from '../../yang/data';
import { applyFilter, datastoreParam, param, withDefaultsParam } from './common';
import { DataNode } from '../../yang/data/node';
import type { SchemaNode } from '../../yang/schema';
import { NC_NS } from '../rpc-error';

/**
 * NACM: what the user may read, pruned BEFORE filtering (a filter on a
 * hidden node selects nothing, as on a missing one). XPath may walk
 * upwards, so it gets a self-contained copy; otherwise the view shares the
 * readable subtrees (no copy of big configurations).
 */
function readable(call: RpcCall, tree: DataNode, xpath: boolean): DataNode {
  return xpath ? call.access.pruneRead(tree) : call.access.readView(tree);
}

function xpathFilter(call: RpcCall): boolean {
  const f = param(call.el, 'filter');
  return (f ? (f.attrs.get('{}type') ?? f.attrs.get(`{${NC_NS}}type`)) : undefined) === 'xpath';
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
  const wd = withDefaultsParam(call.el) ?? 'explicit';
  const stored = call.core.ds.get(src);
  const tree = applyFilter(call, readable(call, stored, xpathFilter(call)), wd);
  // the reply shares the stored tree's nodes
  return new DataReply(tree, wd, call.core.ds.hold(stored));
}

/** whether any node of a schema subtree is state (config false): only there can state be added */
const holdsState = new WeakMap<SchemaNode, boolean>();
function schemaHoldsState(s: SchemaNode): boolean {
  let v = holdsState.get(s);
  if (v === undefined) {
    v = !s.config || s.children.some(schemaHoldsState);
    holdsState.set(s, v);
  }
  return v;
}

/**
 * running with the state providers' nodes in it, for <get>: a new root
 * whose top-level subtrees are copies where the schema has state (the
 * providers add to those: the access-control counters, the intercept
 * sessions) and running's own subtrees elsewhere, shared, not copied (a
 * list of 100,000 forwarding classes costs nothing). Shared subtrees keep
 * running as their parent, as NACM's read view does with what it shares,
 * so an XPath filter, which may walk upwards, gets a whole copy.
 */
function withState(call: RpcCall, running: DataNode, xpath: boolean): DataNode {
  const root = new DataNode(running.schema);
  root.children = running.children.map((c) => {
    if (!xpath && !schemaHoldsState(c.schema)) return c;
    const k = clone(c);
    k.parent = root;
    return k;
  });
  for (const p of call.core.stateProviders) p(root, call.access);
  return root;
}

export function get(call: RpcCall): ReplyBody {
  const wd = withDefaultsParam(call.el) ?? 'explicit';
  const xpath = xpathFilter(call);
  const running = call.core.ds.get('running');
  const tree = applyFilter(call, readable(call, withState(call, running, xpath), xpath), wd);
  // what it shares of running is held (a commit meanwhile would make it the twin); a whole copy is its own
  return new DataReply(tree, wd, xpath ? undefined : call.core.ds.hold(running));
}
