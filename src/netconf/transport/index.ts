/** NETCONF over SSH: the transport the RPC layer builds on. */
export { NetconfSshServer, TransportStartError } from './server';
export { HostKeyError, loadOrCreateHostKeys } from './hostkeys';
export type {
  NetconfSession,
  MessageProducer,
  PieceBuffers,
  OutMessage,
  ServerOptions,
  AuthRequest,
  SessionStats,
  TerminationReason,
  TransportCounters,
} from './types';
