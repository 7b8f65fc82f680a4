/** Numbers from RFC 8489 (STUN), RFC 8656 (TURN), RFC 6156 (IPv6) and RFC 5245 (ICE). */
export const MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;
export const TRANSACTION_ID_LENGTH = 12;
/** XOR'ed into the CRC-32 so a FINGERPRINT never matches data of another protocol by accident. */
export const FINGERPRINT_XOR = 0x5354554e;

export const StunClass = {
  request: 0,
  indication: 1,
  success: 2,
  error: 3,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

export const StunMethod = {
  binding: 0x001,
  allocate: 0x003,
  refresh: 0x004,
  send: 0x006,
  data: 0x007,
  createPermission: 0x008,
  channelBind: 0x009,
} as const;
export type StunMethod = (typeof StunMethod)[keyof typeof StunMethod];

export const Attr = {
  MAPPED_ADDRESS: 0x0001,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_ADDRESS_FAMILY: 0x0017,
  EVEN_PORT: 0x0018,
  REQUESTED_TRANSPORT: 0x0019,
  DONT_FRAGMENT: 0x001a,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  PASSWORD_ALGORITHM: 0x001d,
  XOR_MAPPED_ADDRESS: 0x0020,
  RESERVATION_TOKEN: 0x0022,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  // Comprehension-optional (>= 0x8000): never trigger 420.
  PASSWORD_ALGORITHMS: 0x8002,
  ALTERNATE_DOMAIN: 0x8003,
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
} as const;

/**
 * Comprehension-required attributes this codec understands. PRIORITY and USE-CANDIDATE are ICE
 * attributes: a Binding request carrying them is still answered (RFC 5769 vector 2.1 has one).
 */
export const KNOWN_REQUIRED_ATTRIBUTES: ReadonlySet<number> = new Set([
  Attr.MAPPED_ADDRESS,
  Attr.USERNAME,
  Attr.MESSAGE_INTEGRITY,
  Attr.ERROR_CODE,
  Attr.UNKNOWN_ATTRIBUTES,
  Attr.CHANNEL_NUMBER,
  Attr.LIFETIME,
  Attr.XOR_PEER_ADDRESS,
  Attr.DATA,
  Attr.REALM,
  Attr.NONCE,
  Attr.XOR_RELAYED_ADDRESS,
  Attr.REQUESTED_ADDRESS_FAMILY,
  Attr.EVEN_PORT,
  Attr.REQUESTED_TRANSPORT,
  Attr.DONT_FRAGMENT,
  Attr.MESSAGE_INTEGRITY_SHA256,
  Attr.XOR_MAPPED_ADDRESS,
  Attr.RESERVATION_TOKEN,
  Attr.PRIORITY,
  Attr.USE_CANDIDATE,
]);

export const ErrorCode = {
  tryAlternate: 300,
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  unknownAttribute: 420,
  allocationMismatch: 437,
  staleNonce: 438,
  addressFamilyNotSupported: 440,
  wrongCredentials: 441,
  unsupportedTransport: 442,
  peerAddressFamilyMismatch: 443,
  allocationQuotaReached: 486,
  serverError: 500,
  insufficientCapacity: 508,
} as const;

export const ERROR_REASONS: Readonly<Record<number, string>> = {
  300: 'Try Alternate',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  420: 'Unknown Attribute',
  437: 'Allocation Mismatch',
  438: 'Stale Nonce',
  440: 'Address Family not Supported',
  441: 'Wrong Credentials',
  442: 'Unsupported Transport Protocol',
  443: 'Peer Address Family Mismatch',
  486: 'Allocation Quota Reached',
  500: 'Server Error',
  508: 'Insufficient Capacity',
};

/**
 * Channel numbers a client may bind. RFC 8656 §12 narrowed the range to 0x4000-0x4FFF, but
 * RFC 5766 clients (coturn's own turnutils_uclient among them) still pick from 0x4000-0x7FFF
 * and coturn accepts them, so we do too: refusing would break those clients for no gain,
 * since 0x4000-0x7FFF never collides with STUN (top bits 00) on the wire.
 */
export const CHANNEL_MIN = 0x4000;
export const CHANNEL_MAX = 0x7fff;
/** REQUESTED-TRANSPORT protocol number for UDP (the only relay transport offered). */
export const TRANSPORT_UDP = 17;
