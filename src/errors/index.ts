/**
 * Typed errors, raised where a problem is found and mapped to the wire in
 * exactly two places: netconf/rpc-error.ts (rpc-error) and
 * radius/error-cause.ts (Error-Cause).
 */

/** RFC 6241 appendix A error-tag values. */
export type ErrorTag =
  | 'in-use'
  | 'invalid-value'
  | 'too-big'
  | 'missing-attribute'
  | 'bad-attribute'
  | 'unknown-attribute'
  | 'missing-element'
  | 'bad-element'
  | 'unknown-element'
  | 'unknown-namespace'
  | 'access-denied'
  | 'lock-denied'
  | 'resource-denied'
  | 'rollback-failed'
  | 'data-exists'
  | 'data-missing'
  | 'operation-not-supported'
  | 'operation-failed'
  | 'partial-operation'
  | 'malformed-message';

export type ErrorType = 'transport' | 'rpc' | 'protocol' | 'application';

/** error-info children, as (local name -> text) in the base namespace. */
export type ErrorInfo = Record<string, string>;

/** An error that knows its NETCONF shape. All engine errors are of this class. */
export class AgentError extends Error {
  readonly tag: ErrorTag;
  readonly errorType: ErrorType;
  readonly appTag?: string;
  /** error-path: a prefixed instance-identifier, e.g. /fts:services/fts:radius-flow-tap */
  readonly path?: string;
  /** namespaces for the prefixes used in `path` (prefix -> namespace URI). */
  readonly pathNs?: Record<string, string>;
  readonly info?: ErrorInfo;

  constructor(
    tag: ErrorTag,
    message: string,
    opts: { type?: ErrorType; appTag?: string; path?: string; pathNs?: Record<string, string>; info?: ErrorInfo } = {},
  ) {
    super(message);
    this.name = 'AgentError';
    this.tag = tag;
    this.errorType = opts.type ?? 'application';
    this.appTag = opts.appTag;
    this.path = opts.path;
    this.pathNs = opts.pathNs;
    this.info = opts.info;
  }
}

/** A problem in a YANG module or other source file, at a file and line. */
export class SourceError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  constructor(file: string, line: number, col: number, message: string) {
    super(`${file}:${line}:${col}: ${message}`);
    this.name = 'SourceError';
    this.file = file;
    this.line = line;
    this.col = col;
  }
}

/** Several errors found in one pass (validation reports them all). */
export class ErrorList extends Error {
  readonly errors: (AgentError | SourceError)[];
  constructor(errors: (AgentError | SourceError)[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ErrorList';
    this.errors = errors;
  }
}
