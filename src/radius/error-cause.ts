/**
 * The one place where typed errors become RADIUS Error-Cause values
 * (RFC 5176 section 3.5, attribute 101). Anything thrown while a CoA- or
 * Disconnect-Request is handled goes through errorCauseOf().
 */
import { AgentError } from '../errors';

export const ErrorCause = {
  ResidualSessionContextRemoved: 201,
  InvalidEapPacket: 202,
  UnsupportedAttribute: 401,
  MissingAttribute: 402,
  NasIdentificationMismatch: 403,
  InvalidRequest: 404,
  UnsupportedService: 405,
  UnsupportedExtension: 406,
  InvalidAttributeValue: 407,
  AdministrativelyProhibited: 501,
  RequestNotRoutable: 502,
  SessionContextNotFound: 503,
  SessionContextNotRemovable: 504,
  OtherProxyProcessingError: 505,
  ResourcesUnavailable: 506,
  RequestInitiated: 507,
  MultipleSessionSelectionUnsupported: 508,
} as const;

export type ErrorCause = (typeof ErrorCause)[keyof typeof ErrorCause];

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(ErrorCause).map(([k, v]) => [v, k]));

/** Symbolic name of an Error-Cause value, e.g. 402 -> "MissingAttribute". */
export function errorCauseName(cause: number): string {
  return NAMES[cause] ?? `Error-Cause-${cause}`;
}

/**
 * Thrown by whoever handles a CoA or Disconnect (the mirror logic, the
 * request checks of the DAS) to refuse it with a given Error-Cause. The
 * message goes to logs only: never put intercept details (handle, mediation
 * address or port) in it.
 */
export class CoaError extends Error {
  readonly errorCause: ErrorCause;
  constructor(errorCause: ErrorCause, message: string) {
    super(message);
    this.name = 'CoaError';
    this.errorCause = errorCause;
  }
}

/** NETCONF error-tags of AgentErrors, as the closest Error-Cause. */
const BY_TAG: Partial<Record<AgentError['tag'], ErrorCause>> = {
  'missing-attribute': ErrorCause.MissingAttribute,
  'missing-element': ErrorCause.MissingAttribute,
  'unknown-attribute': ErrorCause.UnsupportedAttribute,
  'unknown-element': ErrorCause.UnsupportedAttribute,
  'bad-attribute': ErrorCause.InvalidAttributeValue,
  'bad-element': ErrorCause.InvalidAttributeValue,
  'invalid-value': ErrorCause.InvalidRequest,
  'malformed-message': ErrorCause.InvalidRequest,
  'data-missing': ErrorCause.SessionContextNotFound,
  'access-denied': ErrorCause.AdministrativelyProhibited,
  'operation-not-supported': ErrorCause.UnsupportedService,
  'resource-denied': ErrorCause.ResourcesUnavailable,
  'in-use': ErrorCause.ResourcesUnavailable,
  'too-big': ErrorCause.ResourcesUnavailable,
};

/**
 * Error-Cause for anything thrown while handling a request: a CoaError's own
 * cause, an AgentError's by its tag, and 506 Resources Unavailable for
 * anything else (the request was fine; this box could not honour it).
 */
export function errorCauseOf(err: unknown): ErrorCause {
  if (err instanceof CoaError) return err.errorCause;
  if (err instanceof AgentError) return BY_TAG[err.tag] ?? ErrorCause.ResourcesUnavailable;
  return ErrorCause.ResourcesUnavailable;
}

/** True for the 2xx (success) Error-Cause values, which may appear in an ACK. */
export function isSuccessCause(cause: number): boolean {
  return cause >= 200 && cause < 300;
}
