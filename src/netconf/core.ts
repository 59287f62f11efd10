/**
 * What NETCONF operations see of the agent: the schema, the datastores,
 * operational state, notifications, sessions and the registry of RPCs
 * contributed by other areas (clear-mirror-session, rollback ...).
 */
import type { SchemaContext, SchemaNode } from '../yang/schema';
import type { DataNode } from '../yang/data/node';
import type { Datastore } from '../datastore';
import type { Access } from '../nacm/access';
import type { MessageProducer, NetconfSession } from './transport';
import type { XmlElement } from '../xml/dom';

/** A running operation: the session, its access context and the parsed request. */
export interface RpcCall {
  session: NetconfSession;
  access: Access;
  core: AgentCore;
  /** the operation element (child of <rpc>) */
  el: XmlElement;
}

/**
 * An operation handler returns the reply body: '' for <ok/>, or the XML
 * of the reply content (e.g. '<data>...</data>'), as a string or, for a
 * large one, as a producer that writes it while it is sent (see
 * MessageProducer; a handler that answers without a promise has its
 * producer read at once, before any other RPC runs).
 */
export type ReplyBody = string | MessageProducer;
export type OpHandler = (call: RpcCall) => Promise<ReplyBody> | ReplyBody;

/** An RPC of a YANG module other than ietf-netconf: input parsed by the engine, output as a data tree or nothing. */
export interface ModuleRpc {
  schema: SchemaNode;
  handler(input: DataNode, call: RpcCall): Promise<DataNode | null> | DataNode | null;
}

/** Operational state: adds state nodes under the root of a tree (config already there). */
export type StateProvider = (root: DataNode, access: Access) => void;

export interface AgentCore {
  ctx: SchemaContext;
  ds: Datastore;
  sessions(): NetconfSession[];
  killSession(id: number, by: number): boolean;
  capabilities(): string[];
  moduleRpcs: Map<string, ModuleRpc>;
  stateProviders: StateProvider[];
  /** access context for a session */
  accessFor(session: NetconfSession): Access;
  notifications: import('./notify').NotificationHub;
  stats: { inRpcs: number; inBadRpcs: number; outRpcErrors: number; outNotifications: number };
  /** transport counters (ietf-netconf-monitoring statistics) */
  transportStats(): { netconfStartTime: Date; inBadHellos: number; inSessions: number; droppedSessions: number };
}
