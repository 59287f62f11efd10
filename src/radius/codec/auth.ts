/**
 * Authenticators (RFC 2865, 2866, 5176) and Message-Authenticator
 * (RFC 3579 section 3.2, RFC 5176 section 3.1).
 *
 * - Accounting-Request, CoA-Request, Disconnect-Request: the Request
 *   Authenticator is MD5(code, id, length, 16 zero octets, attributes, secret).
 *   Their Message-Authenticator is HMAC-MD5(secret) over the packet with the
 *   authenticator field set to 16 zero octets and the Message-Authenticator
 *   value zeroed; it is computed first and covered by the Request Authenticator.
 * - Replies: the Response Authenticator is MD5(code, id, length, request
 *   authenticator, attributes, secret); their Message-Authenticator is
 *   computed with the request's authenticator in the field, before the
 *   Response Authenticator.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Attr, AUTHENTICATOR_LENGTH, Code } from './constants';
import { AttributeSpec, encodeRaw, RadiusPacket } from './packet';

export type Secret = string | Buffer;

const ZERO16 = Buffer.alloc(AUTHENTICATOR_LENGTH);

function secretBytes(secret: Secret): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
}

/** Codes whose Request Authenticator is computed over zero octets. */
export function hasComputedRequestAuthenticator(code: number): boolean {
  return code === Code.AccountingRequest || code === Code.CoaRequest || code === Code.DisconnectRequest;
}

/** MD5 over the packet with `authField` in place of its authenticator, then the secret. */
function md5With(raw: Buffer, authField: Buffer, secret: Secret): Buffer {
  return createHash('md5')
    .update(raw.subarray(0, 4))
    .update(authField)
    .update(raw.subarray(20))
    .update(secretBytes(secret))
    .digest();
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks the Request Authenticator of an Accounting-, CoA- or Disconnect-Request. */
export function verifyRequestAuthenticator(raw: Buffer, secret: Secret): boolean {
  if (raw.length < 20) return false;
  return safeEqual(md5With(raw, ZERO16, secret), raw.subarray(4, 20));
}

/** Checks a reply's Response Authenticator against the request's authenticator. */
export function verifyResponseAuthenticator(raw: Buffer, requestAuthenticator: Buffer, secret: Secret): boolean {
  if (raw.length < 20) return false;
  return safeEqual(md5With(raw, requestAuthenticator, secret), raw.subarray(4, 20));
}

/** HMAC-MD5 over the packet with `authField` as authenticator and the Message-Authenticator at `maOffset` zeroed. */
function hmacWith(raw: Buffer, authField: Buffer, maOffset: number, secret: Secret): Buffer {
  const copy = Buffer.from(raw);
  authField.copy(copy, 4);
  copy.fill(0, maOffset + 2, maOffset + 18);
  return createHmac('md5', secretBytes(secret)).update(copy).digest();
}

export type MessageAuthenticatorCheck = 'absent' | 'valid' | 'invalid';

/**
 * Checks a decoded packet's Message-Authenticator. `authField` is what the
 * authenticator field held when it was computed: 16 zero octets for
 * Accounting-, CoA- and Disconnect-Requests, the request's authenticator for
 * replies, the packet's own authenticator for an Access-Request.
 */
export function checkMessageAuthenticator(pkt: RadiusPacket, secret: Secret, authField: Buffer): MessageAuthenticatorCheck {
  const ma = pkt.attributes.find((a) => a.type === Attr.MessageAuthenticator);
  if (!ma) return 'absent';
  if (!pkt.raw || ma.offset === undefined || ma.value.length !== AUTHENTICATOR_LENGTH) return 'invalid';
  return safeEqual(hmacWith(pkt.raw, authField, ma.offset, secret), ma.value) ? 'valid' : 'invalid';
}

/** The authenticator field a request's Message-Authenticator is computed with. */
export function requestMessageAuthenticatorField(pkt: RadiusPacket): Buffer {
  return hasComputedRequestAuthenticator(pkt.code) ? ZERO16 : pkt.authenticator;
}

export interface SignOptions {
  /** add a Message-Authenticator (placed first among the attributes) */
  messageAuthenticator?: boolean;
}

function withMessageAuthenticatorSlot(attrs: readonly AttributeSpec[], want: boolean): AttributeSpec[] {
  const rest = attrs.filter((a) => !('type' in a) || a.type !== Attr.MessageAuthenticator);
  return want ? [{ type: Attr.MessageAuthenticator, value: ZERO16 }, ...rest] : rest;
}

/** Fills the Message-Authenticator slot (first attribute, offset 20) in place. */
function fillMessageAuthenticator(pkt: Buffer, authField: Buffer, secret: Secret): void {
  hmacWith(pkt, authField, 20, secret).copy(pkt, 22);
}

/**
 * Encodes and signs a request. Accounting-, CoA- and Disconnect-Requests get
 * the computed Request Authenticator; other codes (Access-Request) a random one.
 */
export function encodeRequest(
  code: number,
  identifier: number,
  attrs: readonly AttributeSpec[],
  secret: Secret,
  opts: SignOptions = {},
): Buffer {
  const list = withMessageAuthenticatorSlot(attrs, !!opts.messageAuthenticator);
  if (hasComputedRequestAuthenticator(code)) {
    const pkt = encodeRaw(code, identifier, ZERO16, list);
    if (opts.messageAuthenticator) fillMessageAuthenticator(pkt, ZERO16, secret);
    md5With(pkt, ZERO16, secret).copy(pkt, 4);
    return pkt;
  }
  const auth = randomBytes(AUTHENTICATOR_LENGTH);
  const pkt = encodeRaw(code, identifier, auth, list);
  if (opts.messageAuthenticator) fillMessageAuthenticator(pkt, auth, secret);
  return pkt;
}

/** Encodes and signs a reply to a request with `requestAuthenticator`. */
export function encodeReply(
  code: number,
  identifier: number,
  requestAuthenticator: Buffer,
  attrs: readonly AttributeSpec[],
  secret: Secret,
  opts: SignOptions = {},
): Buffer {
  const list = withMessageAuthenticatorSlot(attrs, !!opts.messageAuthenticator);
  const pkt = encodeRaw(code, identifier, requestAuthenticator, list);
  if (opts.messageAuthenticator) fillMessageAuthenticator(pkt, requestAuthenticator, secret);
  md5With(pkt, requestAuthenticator, secret).copy(pkt, 4);
  return pkt;
}
