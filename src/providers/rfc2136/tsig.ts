/**
 * TSIG (RFC 8945): signing a request and verifying the server's answer with
 * the shared secret. The time and the message id are inputs, so tests can
 * reproduce a message nsupdate sent byte for byte (test/fixtures/rfc2136).
 *
 * - Request MAC (§4.3.1): HMAC over the message as sent without its TSIG
 *   record, then the TSIG variables (§4.3.3): key name and algorithm name in
 *   canonical (lower-case, uncompressed) form, class ANY, TTL 0, time signed,
 *   fudge, error, other data.
 * - Answer MAC (§4.3.1, §5.3): the request's MAC (length first) comes before
 *   the answer's bytes, so an answer signed for another request does not verify;
 *   the answer's header carries the request's original id and an ARCOUNT without
 *   the TSIG record while the MAC is computed.
 * - A server that does not know the key or cannot verify the MAC answers
 *   NOTAUTH with TSIG error BADKEY or BADSIG and *no* MAC (§5.3.2): such an
 *   answer cannot be verified by anyone and is taken for what it says.
 * - BADTIME answers are signed and carry the server's clock in Other Data
 *   (§5.2.3), which gives the size of the clock difference.
 * - MACs are compared in constant time; a truncated MAC (§5.2.2.1) is refused:
 *   we never ask for one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DdnsError } from '../../core/errors';
import { CLASS, MessageWriter, TYPE, nameBytes, readName, type DecodedMessage, type ResourceRecord } from './wire';

/** Algorithm names as RFC 8945 §6 lists them; `hmac-md5` keeps its historic long name on the wire. */
export const TSIG_ALGORITHMS = {
  'hmac-sha256': { wireName: 'hmac-sha256', hash: 'sha256' },
  'hmac-sha512': { wireName: 'hmac-sha512', hash: 'sha512' },
  'hmac-sha384': { wireName: 'hmac-sha384', hash: 'sha384' },
  'hmac-sha224': { wireName: 'hmac-sha224', hash: 'sha224' },
  'hmac-sha1': { wireName: 'hmac-sha1', hash: 'sha1' },
  'hmac-md5': { wireName: 'hmac-md5.sig-alg.reg.int', hash: 'md5' },
} as const;
export type TsigAlgorithm = keyof typeof TSIG_ALGORITHMS;
export const DEFAULT_ALGORITHM: TsigAlgorithm = 'hmac-sha256';

/** RFC 8945 §10: 300 seconds is the recommended fudge, and what nsupdate and BIND use. */
export const FUDGE_SECONDS = 300;

/** TSIG errors (RFC 8945 §3) */
export const TSIG_ERROR = { BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;
const TSIG_ERROR_NAMES: Readonly<Record<number, string>> = { 16: 'BADSIG', 17: 'BADKEY', 18: 'BADTIME', 22: 'BADTRUNC' };

export function tsigErrorName(code: number): string {
  return TSIG_ERROR_NAMES[code] ?? `TSIG error ${code}`;
}

export interface TsigKey {
  /** canonical key name */
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

export function isTsigAlgorithm(value: unknown): value is TsigAlgorithm {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TSIG_ALGORITHMS, value);
}

/**
 * The secret as `tsig-keygen` prints it (base64, whitespace allowed as in a
 * key file). Never echoes the text in an error.
 */
export function decodeSecret(text: unknown): Buffer {
  if (typeof text !== 'string' || text.trim() === '') throw new DdnsError('ECONFIG', 'no TSIG secret configured');
  const compact = text.replace(/\s+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
    throw new DdnsError('ECONFIG', 'the TSIG secret is not base64 text (copy the secret "..." value that tsig-keygen printed)');
  }
  const secret = Buffer.from(compact, 'base64');
  if (secret.length === 0) throw new DdnsError('ECONFIG', 'the TSIG secret is empty');
  return secret;
}

export interface TsigRecord {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
  /** the record itself, as found in the message */
  rr: ResourceRecord;
}

function u48(packet: Buffer, at: number): number {
  return packet.readUInt16BE(at) * 2 ** 32 + packet.readUInt32BE(at + 2);
}

function badTsig(what: string): DdnsError {
  return new DdnsError('EBADRESPONSE', `garbled TSIG record: ${what}`, { retryable: true });
}

/** The TSIG record of a decoded message, if it has one in the only place RFC 8945 §5.2 allows: last of the additional section. */
export function findTsig(message: DecodedMessage): TsigRecord | undefined {
  const extra = message.additionals;
  const position = extra.findIndex((rr) => rr.type === TYPE.TSIG);
  if (position < 0) return undefined;
  if (position !== extra.length - 1) throw badTsig('not the last record');
  const rr = extra[position];
  const packet = message.raw;
  const end = rr.rdataStart + rr.rdataLength;
  const algorithm = readName(packet, rr.rdataStart);
  let at = algorithm.next;
  if (at + 10 > end) throw badTsig('too short');
  const timeSigned = u48(packet, at);
  const fudge = packet.readUInt16BE(at + 6);
  const macSize = packet.readUInt16BE(at + 8);
  at += 10;
  if (at + macSize + 6 > end) throw badTsig('MAC runs past the record');
  const mac = Buffer.from(packet.subarray(at, at + macSize));
  at += macSize;
  const originalId = packet.readUInt16BE(at);
  const error = packet.readUInt16BE(at + 2);
  const otherLength = packet.readUInt16BE(at + 4);
  at += 6;
  if (at + otherLength !== end) throw badTsig('Other Data does not end the record');
  return { keyName: rr.name, algorithm: algorithm.name, timeSigned, fudge, mac, originalId, error, otherData: Buffer.from(packet.subarray(at, end)), rr };
}

interface Variables {
  timeSigned: number;
  fudge: number;
  error: number;
  otherData: Buffer;
}

function variables(key: TsigKey, v: Variables): Buffer {
  return new MessageWriter()
    .bytes(nameBytes(key.name))
    .u16(CLASS.ANY)
    .u32(0)
    .bytes(nameBytes(TSIG_ALGORITHMS[key.algorithm].wireName))
    .u48(v.timeSigned)
    .u16(v.fudge)
    .u16(v.error)
    .u16(v.otherData.length)
    .bytes(v.otherData)
    .finish();
}

function hmac(key: TsigKey, parts: readonly Buffer[]): Buffer {
  const h = createHmac(TSIG_ALGORITHMS[key.algorithm].hash, key.secret);
  for (const part of parts) h.update(part);
  return h.digest();
}

export interface SignedMessage {
  packet: Buffer;
  /** kept to verify the answer (RFC 8945 §5.1: the client stores the request's MAC) */
  mac: Buffer;
}

/**
 * Appends a TSIG record to `message`, a complete message whose ARCOUNT does
 * not count it yet. `timeSigned` in seconds since the epoch.
 */
export function signMessage(message: Buffer, key: TsigKey, timeSigned: number, fudge = FUDGE_SECONDS): SignedMessage {
  const mac = hmac(key, [message, variables(key, { timeSigned, fudge, error: 0, otherData: Buffer.alloc(0) })]);
  const id = message.readUInt16BE(0);
  const rdata = new MessageWriter()
    .bytes(nameBytes(TSIG_ALGORITHMS[key.algorithm].wireName))
    .u48(timeSigned)
    .u16(fudge)
    .u16(mac.length)
    .bytes(mac)
    .u16(id)
    .u16(0)
    .u16(0)
    .finish();
  // RFC 8945 §4.2: the TSIG record's names are never compressed
  const record = new MessageWriter().name(key.name, false).u16(TYPE.TSIG).u16(CLASS.ANY).u32(0).u16(rdata.length).bytes(rdata).finish();
  const packet = Buffer.concat([message, record]);
  packet.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { packet, mac };
}

export type Verification =
  /** the MAC is right: the answer comes from someone holding the key */
  | { kind: 'verified'; tsig: TsigRecord; clockOffsetSeconds?: number }
  /** BADKEY/BADSIG without MAC, as RFC 8945 §5.3.2 requires servers to send them */
  | { kind: 'unsigned-error'; tsig: TsigRecord }
  /** no TSIG record at all */
  | { kind: 'unsigned' }
  /** anything else: to be discarded (RFC 8945 §5.3.3) */
  | { kind: 'invalid'; reason: string };

/**
 * Checks an answer's TSIG against the key and the request's MAC. `now` in
 * seconds since the epoch. A verified answer signed outside the fudge window
 * comes back with `clockOffsetSeconds`: the clocks disagree.
 */
export function verifyAnswer(message: DecodedMessage, key: TsigKey, requestMac: Buffer, now: number): Verification {
  let tsig: TsigRecord | undefined;
  try {
    tsig = findTsig(message);
  } catch (err) {
    return { kind: 'invalid', reason: (err as Error).message };
  }
  if (!tsig) return { kind: 'unsigned' };
  if (tsig.keyName !== key.name) return { kind: 'invalid', reason: `signed with another key (${tsig.keyName.slice(0, 64)})` };
  if (tsig.algorithm !== TSIG_ALGORITHMS[key.algorithm].wireName) return { kind: 'invalid', reason: `signed with another algorithm (${tsig.algorithm.slice(0, 40)})` };
  if (tsig.mac.length === 0 && (tsig.error === TSIG_ERROR.BADKEY || tsig.error === TSIG_ERROR.BADSIG)) return { kind: 'unsigned-error', tsig };
  // the answer as it was when the server signed it: its TSIG record off, ARCOUNT without it, the original id
  const unsigned = Buffer.from(message.raw.subarray(0, tsig.rr.start));
  unsigned.writeUInt16BE(tsig.originalId, 0);
  unsigned.writeUInt16BE(message.raw.readUInt16BE(10) - 1, 10);
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(requestMac.length);
  const expected = hmac(key, [prefix, requestMac, unsigned, variables(key, tsig)]);
  if (tsig.mac.length !== expected.length || !timingSafeEqual(tsig.mac, expected)) {
    return { kind: 'invalid', reason: tsig.mac.length === 0 ? 'an unsigned answer' : 'its signature (MAC) does not verify' };
  }
  const offset = tsig.timeSigned - now;
  if (Math.abs(offset) > tsig.fudge) return { kind: 'verified', tsig, clockOffsetSeconds: offset };
  return { kind: 'verified', tsig };
}

/** The server's clock from a BADTIME answer's Other Data (RFC 8945 §5.2.3), in seconds since the epoch. */
export function serverTimeOf(tsig: TsigRecord): number | undefined {
  return tsig.otherData.length === 6 ? u48(tsig.otherData, 0) : undefined;
}
