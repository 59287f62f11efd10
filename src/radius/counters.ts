/** Per-client RADIUS counters, shown in the NETCONF state and by `flowtapd show radius`. */

export const DROP_REASONS = [
  'malformed', // the packet does not decode
  'unexpectedCode', // a code this port does not take (e.g. Access-Request on 3799)
  'badAuthenticator', // Request Authenticator wrong (wrong secret, altered packet)
  'badMessageAuthenticator', // Message-Authenticator wrong
  'missingMessageAuthenticator', // no Message-Authenticator from a client that must send one (require-message-authenticator)
  'eventTimestamp', // Event-Timestamp outside the window
  'invalidRequest', // an Accounting-Request that cannot be recorded (no answer per RFC 2866)
  'handlerFailed', // onAccounting failed: no Accounting-Response, the client retransmits
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

export interface ClientCounters {
  /** every datagram from this client */
  requests: number;
  coaRequests: number;
  disconnectRequests: number;
  accountingRequests: number;
  /** CoA-ACK and Disconnect-ACK sent (retransmitted copies not counted) */
  acks: number;
  /** CoA-NAK and Disconnect-NAK sent */
  naks: number;
  accountingResponses: number;
  /** retransmissions absorbed or answered from the cache */
  duplicates: number;
  dropped: Record<DropReason, number>;
}

export interface RadiusCounters {
  clients: Record<string, ClientCounters>;
  /** datagrams from addresses that are not configured clients */
  unknownClient: { dropped: number; byAddress: Record<string, number> };
}

export function newClientCounters(): ClientCounters {
  return {
    requests: 0,
    coaRequests: 0,
    disconnectRequests: 0,
    accountingRequests: 0,
    acks: 0,
    naks: 0,
    accountingResponses: 0,
    duplicates: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
  };
}

export function copyClientCounters(c: ClientCounters): ClientCounters {
  return { ...c, dropped: { ...c.dropped } };
}

/** Distinct unknown addresses remembered individually; the rest only in the total. */
export const MAX_UNKNOWN_ADDRESSES = 256;
