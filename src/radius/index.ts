/** RADIUS: codec, dynamic authorization and accounting listeners, Error-Cause mapping. */
export * as codec from './codec';
export { CoaError, ErrorCause, errorCauseOf, errorCauseName } from './error-cause';
export { interceptIds, checkMedDevHandle, sessionIdFromAcctSessionId, MedDevHandleError } from './med-dev-handle';
export type { InterceptIds } from './med-dev-handle';
export { describeRequest } from './requests';
export type { DynamicAuthRequest, AccountingRequest, AccountingStatus, LiAction, UnsupportedAttribute } from './requests';
export { DROP_REASONS } from './counters';
export type { ClientCounters, RadiusCounters, DropReason } from './counters';
export { RadiusServer, RadiusBindError } from './server';
export type {
  RadiusServerConfig,
  RadiusServerOptions,
  RadiusClientConfig,
  RadiusLogger,
  CoaAnswer,
  PreparedRadiusConfig,
  RadiusPortRole,
} from './server';
