/**
 * Med-Dev-Handle (ERX 59) to the jmirror header's ids (DESIGN.md section 5).
 *
 * - 8 octets, top two bits 00: intercept id = low 30 bits of the first word,
 *   session id = the second word.
 * - 4 octets, top two bits 01: intercept id = low 30 bits of the word,
 *   session id = low 32 bits of the Acct-Session-Id: a decimal
 *   Acct-Session-Id as a number, any other string its last four octets
 *   (UTF-8, big-endian; shorter strings are zero-extended on the left).
 */
import { CoaError, ErrorCause } from './error-cause';

export type MedDevHandleErrorReason = 'bad-length' | 'bad-form' | 'missing-acct-session-id';

/**
 * A handle that cannot be used: one of another length or form is refused
 * with Error-Cause 407 Invalid Attribute Value (RFC 5176 3.5: "an attribute
 * with an unsupported value"); a 4-octet handle for a subscriber without
 * Acct-Session-Id with 404 Invalid Request.
 */
export class MedDevHandleError extends CoaError {
  readonly reason: MedDevHandleErrorReason;
  constructor(reason: MedDevHandleErrorReason, message: string) {
    super(reason === 'missing-acct-session-id' ? ErrorCause.InvalidRequest : ErrorCause.InvalidAttributeValue, message);
    this.name = 'MedDevHandleError';
    this.reason = reason;
  }
}

export interface InterceptIds {
  /** 30 bits */
  interceptId: number;
  /** 32 bits */
  sessionId: number;
}

/** Checks a handle's length and form bits without needing the Acct-Session-Id. */
export function checkMedDevHandle(handle: Buffer): MedDevHandleError | undefined {
  if (handle.length !== 4 && handle.length !== 8) {
    return new MedDevHandleError('bad-length', `Med-Dev-Handle of ${handle.length} octets; 4 or 8 expected`);
  }
  const form = handle[0] >> 6;
  if (handle.length === 8 && form !== 0) {
    return new MedDevHandleError('bad-form', `8-octet Med-Dev-Handle must have top bits 00, not ${form.toString(2).padStart(2, '0')}`);
  }
  if (handle.length === 4 && form !== 1) {
    return new MedDevHandleError('bad-form', `4-octet Med-Dev-Handle must have top bits 01, not ${form.toString(2).padStart(2, '0')}`);
  }
  return undefined;
}

/** Low 32 bits of an Acct-Session-Id, by the 4-octet handle rule. */
export function sessionIdFromAcctSessionId(acctSessionId: string): number {
  if (/^[0-9]+$/.test(acctSessionId)) {
    return Number(BigInt(acctSessionId) & 0xffffffffn);
  }
  const b = Buffer.from(acctSessionId, 'utf8');
  const last = Buffer.alloc(4);
  b.subarray(Math.max(0, b.length - 4)).copy(last, 4 - Math.min(4, b.length));
  return last.readUInt32BE(0);
}

/** The jmirror ids for a handle. Throws MedDevHandleError for unusable handles. */
export function interceptIds(handle: Buffer, acctSessionId: string | undefined): InterceptIds {
  const err = checkMedDevHandle(handle);
  if (err) throw err;
  const interceptId = handle.readUInt32BE(0) & 0x3fffffff;
  if (handle.length === 8) return { interceptId, sessionId: handle.readUInt32BE(4) };
  if (acctSessionId === undefined || acctSessionId === '') {
    throw new MedDevHandleError('missing-acct-session-id', '4-octet Med-Dev-Handle needs the subscriber\'s Acct-Session-Id');
  }
  return { interceptId, sessionId: sessionIdFromAcctSessionId(acctSessionId) };
}
