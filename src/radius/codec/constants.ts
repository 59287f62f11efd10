/** RADIUS packet codes used by flowtapd (RFC 2865, 2866, 5176). */
export const Code = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  DisconnectRequest: 40,
  DisconnectAck: 41,
  DisconnectNak: 42,
  CoaRequest: 43,
  CoaAck: 44,
  CoaNak: 45,
} as const;

/** Attribute types used by flowtapd. */
export const Attr = {
  UserName: 1,
  NasIpAddress: 4,
  ServiceType: 6,
  FramedIpAddress: 8,
  ReplyMessage: 18,
  State: 24,
  Class: 25,
  VendorSpecific: 26,
  SessionTimeout: 27,
  CalledStationId: 30,
  CallingStationId: 31,
  NasIdentifier: 32,
  ProxyState: 33,
  AcctStatusType: 40,
  AcctSessionId: 44,
  EventTimestamp: 55,
  MessageAuthenticator: 80,
  NasPortId: 87,
  NasIpv6Address: 95,
  FramedIpv6Prefix: 97,
  ErrorCause: 101,
} as const;

/** Juniper (ERX) vendor id and the mirroring sub-attributes (dictionary.erx). */
export const VENDOR_JUNIPER_ERX = 4874;
export const ErxAttr = {
  LiAction: 58,
  MedDevHandle: 59,
  MedIpAddress: 60,
  MedPortNumber: 61,
} as const;

/** Service-Type values (RFC 2865 5.6, RFC 5176 3.2). */
export const ServiceType = {
  AuthorizeOnly: 17,
} as const;

/** Acct-Status-Type values (RFC 2866). */
export const AcctStatus = {
  Start: 1,
  Stop: 2,
  InterimUpdate: 3,
  AccountingOn: 7,
  AccountingOff: 8,
} as const;

/** Value kinds of the attributes flowtapd reads (RFC 8044 data types). */
export type AttrKind = 'text' | 'string' | 'integer' | 'ipv4addr' | 'ipv6addr' | 'ipv6prefix' | 'time';

export const ATTR_KIND: Readonly<Record<number, AttrKind>> = {
  [Attr.UserName]: 'text',
  [Attr.NasIpAddress]: 'ipv4addr',
  [Attr.ServiceType]: 'integer',
  [Attr.FramedIpAddress]: 'ipv4addr',
  [Attr.ReplyMessage]: 'text',
  [Attr.State]: 'string',
  [Attr.Class]: 'string',
  [Attr.SessionTimeout]: 'integer',
  [Attr.CalledStationId]: 'text',
  [Attr.CallingStationId]: 'text',
  [Attr.NasIdentifier]: 'text',
  [Attr.ProxyState]: 'string',
  [Attr.AcctStatusType]: 'integer',
  [Attr.AcctSessionId]: 'text',
  [Attr.EventTimestamp]: 'time',
  [Attr.MessageAuthenticator]: 'string',
  [Attr.NasPortId]: 'text',
  [Attr.NasIpv6Address]: 'ipv6addr',
  [Attr.FramedIpv6Prefix]: 'ipv6prefix',
  [Attr.ErrorCause]: 'integer',
};

export const HEADER_LENGTH = 20;
export const MAX_PACKET_LENGTH = 4096;
export const AUTHENTICATOR_LENGTH = 16;
