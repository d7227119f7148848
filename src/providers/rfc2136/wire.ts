/**
 * DNS messages as RFC 2136 updates and the queries around them need them
 * (RFC 1035 §4): the header, names with compression, resource records, and a
 * decoder whose every read is bounds-checked, so a truncated, garbled or
 * hostile answer ends in EBADRESPONSE, never in a RangeError or a loop.
 *
 * Written here rather than taken from dns-packet (5.6): dns-packet cannot
 * write the RRset deletion of RFC 2136 §2.5.2 (class ANY, TTL 0 and *empty*
 * RDATA for an A or AAAA record: its A encoder always writes four bytes), has
 * no TSIG RDATA, and never compresses names, so its messages could not be
 * compared byte for byte with nsupdate's; and a TSIG MAC covers the exact
 * bytes sent, which is easiest to get right when one small module writes them.
 * Names are compressed the way BIND's renderer does (a pointer to the first
 * occurrence of the longest known suffix), except where RFC 8945 forbids it
 * (the TSIG record).
 */
import { readNameLabels } from '../../core/dns-name';
import ipaddr from 'ipaddr.js';
import { DdnsError } from '../../core/errors';

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, AAAA: 28, OPT: 41, TSIG: 250 } as const;
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
export const OPCODE = { QUERY: 0, UPDATE: 5 } as const;

/** RFC 1035 §4.1.1, RFC 2136 §2.2 */
export const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
};

export function rcodeName(code: number): string {
  return RCODE_NAMES[code] ?? `RCODE${code}`;
}

/** Record types this provider writes and reads back. */
export type AddressType = 'A' | 'AAAA';

/** a UDP answer without EDNS is at most this long (RFC 1035 §4.2.1); a longer request goes over TCP */
export const UDP_LIMIT = 512;
const MAX_MESSAGE = 65535;
const HEADER = 12;
const MAX_POINTER_JUMPS = 127;

const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;

export interface HeaderFields {
  id: number;
  opcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

function tooLong(): DdnsError {
  return new DdnsError('ECONFIG', 'the update does not fit in one DNS message (64 KiB): configure fewer host names per node');
}

/** Builds one message front to back, remembering where each name was written for compression. */
export class MessageWriter {
  private buffer = Buffer.alloc(UDP_LIMIT);
  private at = 0;
  private readonly names = new Map<string, number>();

  get length(): number {
    return this.at;
  }

  header(h: HeaderFields): this {
    this.u16(h.id).u16((h.opcode & 0xf) << 11).u16(h.qdcount).u16(h.ancount).u16(h.nscount).u16(h.arcount);
    return this;
  }

  /** Room for `bytes` more: the buffer grows up to the largest message there is. */
  private room(bytes: number): void {
    const needed = this.at + bytes;
    if (needed > MAX_MESSAGE) throw tooLong();
    if (needed <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.min(MAX_MESSAGE, Math.max(needed, this.buffer.length * 2)));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }

  u8(n: number): this {
    this.room(1);
    this.buffer.writeUInt8(n, this.at);
    this.at += 1;
    return this;
  }

  u16(n: number): this {
    this.room(2);
    this.buffer.writeUInt16BE(n, this.at);
    this.at += 2;
    return this;
  }

  u32(n: number): this {
    this.room(4);
    this.buffer.writeUInt32BE(n >>> 0, this.at);
    this.at += 4;
    return this;
  }

  /** 48-bit unsigned (TSIG's Time Signed) */
  u48(n: number): this {
    return this.u16(Math.floor(n / 2 ** 32) & 0xffff).u32(n % 2 ** 32);
  }

  bytes(data: Buffer): this {
    this.room(data.length);
    data.copy(this.buffer, this.at);
    this.at += data.length;
    return this;
  }

  /**
   * A checked, lower-case name (no trailing dot; `''` is the root). With
   * `compress`, a suffix written before is replaced by a pointer to it and
   * this name's own suffixes become targets for later names.
   */
  name(name: string, compress = true): this {
    const labels = name === '' ? [] : name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      const target = compress ? this.names.get(suffix) : undefined;
      if (target !== undefined) return this.u16(0xc000 | target);
      // a pointer has 14 bits: names further in cannot be pointed at
      if (compress && this.at < 0x4000) this.names.set(suffix, this.at);
      const label = Buffer.from(labels[i], 'ascii');
      this.u8(label.length).bytes(label);
    }
    return this.u8(0);
  }

  finish(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.at));
  }
}

/** A name in wire form, uncompressed: the TSIG variables and algorithm names use this form (RFC 8945 §4.3.3). */
export function nameBytes(name: string): Buffer {
  return new MessageWriter().name(name, false).finish();
}

export function addressBytes(type: AddressType, value: string): Buffer {
  const parsed = ipaddr.parse(value);
  if ((type === 'A') !== (parsed.kind() === 'ipv4')) throw new DdnsError('EBADINPUT', `${value} is not an address for a ${type} record`);
  return Buffer.from(parsed.toByteArray());
}

// ------------------------------------------------------------------ decoding

export interface Question {
  name: string;
  type: number;
  cls: number;
}

export interface ResourceRecord {
  name: string;
  type: number;
  cls: number;
  ttl: number;
  /** where the record starts in the message (a TSIG record is cut off there to verify the MAC) */
  start: number;
  rdataStart: number;
  rdataLength: number;
}

export interface DecodedMessage {
  id: number;
  isResponse: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  /** the header's four bits; TSIG errors travel in the TSIG record */
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  raw: Buffer;
}

function garbled(what: string): DdnsError {
  return new DdnsError('EBADRESPONSE', `garbled DNS answer: ${what}`, { retryable: true });
}

function need(packet: Buffer, at: number, bytes: number, what: string): void {
  if (at + bytes > packet.length) throw garbled(`${what} runs past the end`);
}

/** A name at `offset` (compression pointers followed, backwards only: core/dns-name.ts), lower case; returns it and where the next field starts. */
export function readName(packet: Buffer, offset: number): { name: string; next: number } {
  const read = readNameLabels(packet, offset, MAX_POINTER_JUMPS);
  if (typeof read === 'string') throw garbled(`a name ${read}`);
  return { name: read.labels.map((label) => label.toString('latin1').toLowerCase()).join('.'), next: read.end };
}

function readRecords(packet: Buffer, at: number, count: number, out: ResourceRecord[]): number {
  for (let i = 0; i < count; i++) {
    const start = at;
    const { name, next } = readName(packet, at);
    need(packet, next, 10, 'a record');
    const rdataLength = packet.readUInt16BE(next + 8);
    need(packet, next + 10, rdataLength, 'record data');
    out.push({
      name,
      type: packet.readUInt16BE(next),
      cls: packet.readUInt16BE(next + 2),
      ttl: packet.readUInt32BE(next + 4),
      start,
      rdataStart: next + 10,
      rdataLength,
    });
    at = next + 10 + rdataLength;
  }
  return at;
}

export function decodeMessage(packet: Buffer): DecodedMessage {
  need(packet, 0, HEADER, 'the header');
  const flags = packet.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => packet.readUInt16BE(o));
  const message: DecodedMessage = {
    id: packet.readUInt16BE(0),
    isResponse: (flags & FLAG_QR) !== 0,
    opcode: (flags >> 11) & 0xf,
    authoritative: (flags & FLAG_AA) !== 0,
    truncated: (flags & FLAG_TC) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
    raw: packet,
  };
  let at = HEADER;
  for (let i = 0; i < counts[0]; i++) {
    const { name, next } = readName(packet, at);
    need(packet, next, 4, 'a question');
    message.questions.push({ name, type: packet.readUInt16BE(next), cls: packet.readUInt16BE(next + 2) });
    at = next + 4;
  }
  // a truncated answer may end anywhere after its question: only the header and question count then
  if (message.truncated) return message;
  at = readRecords(packet, at, counts[1], message.answers);
  at = readRecords(packet, at, counts[2], message.authorities);
  readRecords(packet, at, counts[3], message.additionals);
  return message;
}

/** The address an A/AAAA record holds, RFC 5952 text for IPv6; undefined when its data is not one. */
export function addressOf(packet: Buffer, rr: ResourceRecord): string | undefined {
  const bytes = [...packet.subarray(rr.rdataStart, rr.rdataStart + rr.rdataLength)];
  if (rr.type === TYPE.A && rr.rdataLength === 4) return ipaddr.fromByteArray(bytes).toString();
  if (rr.type === TYPE.AAAA && rr.rdataLength === 16) return (ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String();
  return undefined;
}

/** A name at the start of a record's data (CNAME target, SOA primary server). */
export function rdataName(packet: Buffer, rr: ResourceRecord): string {
  const { name, next } = readName(packet, rr.rdataStart);
  if (next > rr.rdataStart + rr.rdataLength) throw garbled('a name runs past its record');
  return name;
}
