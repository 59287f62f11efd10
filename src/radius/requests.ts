/**
 * Typed requests built from verified packets (no I/O). CoA- and
 * Disconnect-Request problems are thrown as CoaError (their Error-Cause is
 * mapped in error-cause.ts); accounting problems are returned, because an
 * Accounting-Request that cannot be recorded gets no answer at all.
 */
import {
  AcctStatus,
  Attr,
  Code,
  decodeMirrorVsas,
  decodeValue,
  MIRROR_VSA_TYPES,
  RadiusPacket,
  Secret,
  ServiceType,
  TypedValue,
  VENDOR_JUNIPER_ERX,
} from './codec';
import { CoaError, ErrorCause } from './error-cause';
import { checkMedDevHandle } from './med-dev-handle';

export type LiAction = 'stop' | 'start' | 'none';

/** An attribute of a CoA or Disconnect that flowtapd does not act on. */
export interface UnsupportedAttribute {
  type: number;
  vendorId?: number;
  vendorType?: number;
}

/** A verified CoA- or Disconnect-Request, as handed to onCoa(). */
export interface DynamicAuthRequest {
  kind: 'coa' | 'disconnect';
  /** the client's address (canonical text) */
  client: string;
  identifier: number;
  acctSessionId?: string;
  userName?: string;
  framedIp?: string;
  framedIpv6Prefix?: string;
  nasPortId?: string;
  callingStationId?: string;
  calledStationId?: string;
  /** NAS identification (RFC 5176 section 3): NAS-IP-Address, NAS-IPv6-Address (canonical text), NAS-Identifier */
  nasIp?: string;
  nasIpv6?: string;
  nasIdentifier?: string;
  class?: Buffer[];
  /** seconds since the epoch */
  eventTimestamp?: number;
  /** present exactly when the four mirroring VSAs are (58 to 61) */
  liAction?: LiAction;
  medDevHandle?: Buffer;
  medIp?: string;
  medPort?: number;
  /** attributes present that flowtapd does not act on (the handler may refuse with 401) */
  unsupported: UnsupportedAttribute[];
}

export type AccountingStatus = 'start' | 'stop' | 'interim-update' | 'accounting-on' | 'accounting-off';

/** A verified Accounting-Request, as handed to onAccounting(). */
export interface AccountingRequest {
  client: string;
  identifier: number;
  status: AccountingStatus;
  /** Acct-Session-Id; always present for start, stop and interim-update */
  acctSessionId?: string;
  userName?: string;
  framedIp?: string;
  framedIpv6Prefix?: string;
  nasPortId?: string;
  nasIp?: string;
  nasIpv6?: string;
  nasIdentifier?: string;
  callingStationId?: string;
  calledStationId?: string;
  class?: Buffer[];
  eventTimestamp?: number;
}

/** Attributes of a CoA or Disconnect that are understood (used, or harmless to ignore). */
const DAS_KNOWN = new Set<number>([
  Attr.UserName,
  Attr.NasIpAddress,
  Attr.FramedIpAddress,
  Attr.ReplyMessage,
  Attr.State,
  Attr.Class,
  Attr.CalledStationId,
  Attr.CallingStationId,
  Attr.NasIdentifier,
  Attr.ProxyState,
  Attr.AcctSessionId,
  Attr.EventTimestamp,
  Attr.MessageAuthenticator,
  Attr.NasPortId,
  Attr.NasIpv6Address,
  Attr.FramedIpv6Prefix,
]);

/**
 * Attributes that may appear more than once. State may not: "A packet must
 * have only zero or one State Attribute" (RFC 2865 5.24).
 */
const MULTI = new Set<number>([Attr.Class, Attr.ProxyState, Attr.ReplyMessage, Attr.VendorSpecific]);

type Typed = Map<number, TypedValue[]>;

/**
 * Decodes every attribute of a known kind. An attribute whose value does not
 * decode, or one that may appear once and appears more often, is left out of
 * `values` and reported in `invalid` (type -> why), so that the caller
 * decides: RFC 6929 2.8 treats such an attribute as invalid, not the packet.
 */
function typedAttributes(pkt: RadiusPacket): { values: Typed; invalid: Map<number, string> } {
  const values: Typed = new Map();
  const invalid = new Map<number, string>();
  for (const a of pkt.attributes) {
    if (a.type === Attr.VendorSpecific) continue;
    const r = decodeValue(a.type, a.value);
    if (!r.ok) {
      if (!invalid.has(a.type)) invalid.set(a.type, r.error.message);
      continue;
    }
    const list = values.get(a.type);
    if (list) {
      if (!MULTI.has(a.type)) invalid.set(a.type, `attribute ${a.type} appears more than once`);
      list.push(r.value);
    } else values.set(a.type, [r.value]);
  }
  for (const t of invalid.keys()) values.delete(t);
  return { values, invalid };
}

const str = (t: Typed, type: number): string | undefined => t.get(type)?.[0] as string | undefined;
const num = (t: Typed, type: number): number | undefined => t.get(type)?.[0] as number | undefined;
const bufs = (t: Typed, type: number): Buffer[] | undefined => t.get(type) as Buffer[] | undefined;

const LI_ACTION: Record<number, LiAction> = { 0: 'stop', 1: 'start', 2: 'none' };

/** The Event-Timestamp (seconds) if present and well-formed. */
export function eventTimestampOf(pkt: RadiusPacket): number | undefined {
  const a = pkt.attributes.find((x) => x.type === Attr.EventTimestamp);
  return a && a.value.length === 4 ? a.value.readUInt32BE(0) : undefined;
}

/**
 * Builds the typed request of a verified CoA- or Disconnect-Request. The
 * NAS identification attributes are handed on: whether they name the NAS
 * of the session the request names is for whoever holds the sessions
 * (mirror/service.ts, 403). Throws CoaError: 404 malformed values (an
 * attribute that does not decode, such as text that is not UTF-8, or one
 * that may appear once appearing more often, State included), 405 Service-Type
 * (Authorize Only or any other: no service change is supported), 402 some
 * but not all of the mirroring VSAs or no subscriber named, 404
 * undecryptable VSAs (or values of the wrong size), 407 mirroring values
 * not supported (LI-Action above 2, port 0, a Med-Dev-Handle of another
 * length or form).
 */
export function parseDynamicAuthRequest(pkt: RadiusPacket, secret: Secret, client: string): DynamicAuthRequest {
  const typed = typedAttributes(pkt);
  // RFC 5176 3.5: 404 "one or more attributes ... are not formatted properly"
  const [firstInvalid] = typed.invalid.values();
  if (firstInvalid !== undefined) throw new CoaError(ErrorCause.InvalidRequest, firstInvalid);
  const t = typed.values;

  // RFC 5176 3.2: a NAS that does not support Service-Type "Authorize Only"
  // MUST NAK, with 405 Unsupported Service; flowtapd acts on no Service-Type.
  const serviceType = num(t, Attr.ServiceType);
  if (serviceType !== undefined) {
    const what = serviceType === ServiceType.AuthorizeOnly ? 'Authorize Only' : String(serviceType);
    throw new CoaError(ErrorCause.UnsupportedService, `Service-Type ${what} is not supported`);
  }

  const req: DynamicAuthRequest = {
    kind: pkt.code === Code.DisconnectRequest ? 'disconnect' : 'coa',
    client,
    identifier: pkt.identifier,
    acctSessionId: str(t, Attr.AcctSessionId),
    userName: str(t, Attr.UserName),
    framedIp: str(t, Attr.FramedIpAddress),
    framedIpv6Prefix: str(t, Attr.FramedIpv6Prefix),
    nasPortId: str(t, Attr.NasPortId),
    callingStationId: str(t, Attr.CallingStationId),
    calledStationId: str(t, Attr.CalledStationId),
    nasIp: str(t, Attr.NasIpAddress),
    nasIpv6: str(t, Attr.NasIpv6Address),
    nasIdentifier: str(t, Attr.NasIdentifier),
    class: bufs(t, Attr.Class),
    eventTimestamp: num(t, Attr.EventTimestamp),
    unsupported: [],
  };
  for (const k of Object.keys(req) as (keyof DynamicAuthRequest)[]) if (req[k] === undefined) delete req[k];

  const m = decodeMirrorVsas(pkt, secret);
  if (!m.ok) {
    if (m.kind === 'incomplete') throw new CoaError(ErrorCause.MissingAttribute, m.error.message);
    // RFC 5176 3.5: 407 "an attribute with an unsupported value"; 404 for one "not formatted properly"
    if (m.kind === 'unsupported-value') throw new CoaError(ErrorCause.InvalidAttributeValue, m.error.message);
    throw new CoaError(ErrorCause.InvalidRequest, m.error.message);
  }
  if (m.present) {
    const bad = checkMedDevHandle(m.value.medDevHandle);
    if (bad) throw bad;
    req.liAction = LI_ACTION[m.value.liAction];
    req.medDevHandle = m.value.medDevHandle;
    req.medIp = m.value.medIp;
    req.medPort = m.value.medPort;
  }

  if (req.acctSessionId === undefined && req.userName === undefined && req.framedIp === undefined && req.framedIpv6Prefix === undefined) {
    throw new CoaError(ErrorCause.MissingAttribute, 'no Acct-Session-Id, User-Name, Framed-IP-Address or Framed-IPv6-Prefix names the subscriber');
  }

  for (const a of pkt.attributes) {
    if (a.type === Attr.VendorSpecific) {
      if (a.vendorId === VENDOR_JUNIPER_ERX && a.vsas) {
        for (const s of a.vsas) {
          if (!MIRROR_VSA_TYPES.includes(s.type)) req.unsupported.push({ type: a.type, vendorId: a.vendorId, vendorType: s.type });
        }
      } else req.unsupported.push({ type: a.type, vendorId: a.vendorId });
    } else if (!DAS_KNOWN.has(a.type)) req.unsupported.push({ type: a.type });
  }
  return req;
}

const STATUS: Record<number, AccountingStatus> = {
  [AcctStatus.Start]: 'start',
  [AcctStatus.Stop]: 'stop',
  [AcctStatus.InterimUpdate]: 'interim-update',
  [AcctStatus.AccountingOn]: 'accounting-on',
  [AcctStatus.AccountingOff]: 'accounting-off',
};

export type AccountingParse =
  /** `ignored`: attributes left out because they did not decode (RFC 6929 2.8), type -> why */
  | { ok: true; request: AccountingRequest; ignored?: Map<number, string> }
  /** a status type flowtapd does not use (acknowledged, not handed on) */
  | { ok: true; request: undefined; statusType: number }
  | { ok: false; message: string };

/**
 * Builds the typed request of a verified Accounting-Request. An attribute
 * that does not decode (text that is not UTF-8, an address of the wrong
 * size, one that may appear once appearing twice) is left out, as RFC 6929
 * 2.8 wants, and the request recorded from what did decode; only without a
 * usable Acct-Status-Type, or Acct-Session-Id where the status needs one,
 * can it not be recorded.
 */
export function parseAccountingRequest(pkt: RadiusPacket, client: string): AccountingParse {
  const { values: t, invalid } = typedAttributes(pkt);
  const why = (type: number, absent: string): string => (invalid.has(type) ? `${absent} unusable: ${invalid.get(type)}` : absent);
  const statusType = num(t, Attr.AcctStatusType);
  if (statusType === undefined) return { ok: false, message: why(Attr.AcctStatusType, 'no Acct-Status-Type') };
  const status = STATUS[statusType];
  if (!status) return { ok: true, request: undefined, statusType };
  const acctSessionId = str(t, Attr.AcctSessionId);
  if (acctSessionId === undefined && (status === 'start' || status === 'stop' || status === 'interim-update')) {
    return { ok: false, message: why(Attr.AcctSessionId, `Acct-Status-Type ${status} without Acct-Session-Id`) };
  }
  const request: AccountingRequest = {
    client,
    identifier: pkt.identifier,
    status,
    acctSessionId,
    userName: str(t, Attr.UserName),
    framedIp: str(t, Attr.FramedIpAddress),
    framedIpv6Prefix: str(t, Attr.FramedIpv6Prefix),
    nasPortId: str(t, Attr.NasPortId),
    nasIp: str(t, Attr.NasIpAddress),
    nasIpv6: str(t, Attr.NasIpv6Address),
    nasIdentifier: str(t, Attr.NasIdentifier),
    callingStationId: str(t, Attr.CallingStationId),
    calledStationId: str(t, Attr.CalledStationId),
    class: bufs(t, Attr.Class),
    eventTimestamp: num(t, Attr.EventTimestamp),
  };
  for (const k of Object.keys(request) as (keyof AccountingRequest)[]) if (request[k] === undefined) delete request[k];
  return invalid.size > 0 ? { ok: true, request, ignored: invalid } : { ok: true, request };
}

/** A log-safe description of a request: never the handle, mediation address or port, nor the subscriber. */
export function describeRequest(req: { client: string; identifier: number; kind?: string; status?: string }): string {
  return `${req.kind ?? 'accounting ' + (req.status ?? '')} from ${req.client} id ${req.identifier}`;
}

