/**
 * Signed exchanges with one DNS server: a query or an update goes out with a
 * fresh id and TSIG time, and comes back only as an answer that is the answer
 * to it (same id, opcode and question) and whose signature verifies, with
 * two exceptions that carry no MAC by design or cannot (see `judge`).
 */
import { randomInt } from 'node:crypto';
import { buildQuery, buildUpdate, type Replacement } from './messages';
import { transact, type Endpoint } from './transport';
import { signMessage, verifyAnswer, type SignedMessage, type TsigKey, type TsigRecord } from './tsig';
import { CLASS, OPCODE, TYPE, decodeMessage, type DecodedMessage } from './wire';
import type { Judgement } from './transport';

export interface DnsAnswer {
  message: DecodedMessage;
  /** the header's RCODE */
  rcode: number;
  /** the TSIG record's error, when it has one (BADKEY, BADSIG, BADTIME, ...) */
  tsigError?: number;
  /** false: the answer carries no valid MAC (a TSIG error without MAC, or an error from a server that did not sign) */
  signed: boolean;
  tsig?: TsigRecord;
  /** the answer was signed this far from our clock, beyond the fudge (seconds; server minus us) */
  clockOffsetSeconds?: number;
}

export interface ClientOptions {
  endpoint: Endpoint;
  key: TsigKey;
  /** per exchange, TCP fallback included */
  timeoutMs: number;
  /** ms since the epoch; signs with its seconds */
  now: () => number;
  /** message ids; random unless a test fixes them */
  nextId?: () => number;
  /** always TCP */
  tcp?: boolean;
}

export interface Expected {
  opcode: number;
  name: string;
  type: number;
}

/**
 * Whether `packet` is the server's answer to `request`, verified.
 *
 * - Not a response, another id or opcode, another question: not ours, ignored.
 * - Truncated: asked again over TCP (the TC answer need not be signed).
 * - Signed and verified: the answer.
 * - BADKEY or BADSIG without a MAC (RFC 8945 §5.3.2 forbids the server to sign
 *   them): taken as what it says; nothing could ever verify it.
 * - Unsigned with an error RCODE: taken as the error, marked unsigned, so it
 *   can fail the run but never block a record (a server that cannot parse the
 *   request, or does not speak TSIG, answers so).
 * - Unsigned NOERROR, a MAC that does not verify, another key: passed over (RFC
 *   8945 §5.3.3): such an answer is never taken for a success.
 */
export function judge(packet: Buffer, expected: Expected, id: number, key: TsigKey, requestMac: Buffer, nowSeconds: number): Judgement<DnsAnswer> {
  let message: DecodedMessage;
  try {
    message = decodeMessage(packet);
  } catch (err) {
    return { kind: 'ignore', reason: (err as Error).message };
  }
  if (!message.isResponse || message.id !== id || message.opcode !== expected.opcode) return { kind: 'ignore' };
  const q = message.questions[0];
  if (message.questions.length > 1 || (q && (q.name !== expected.name || q.type !== expected.type || q.cls !== CLASS.IN))) return { kind: 'ignore' };
  if (message.truncated) return { kind: 'truncated' };
  const verification = verifyAnswer(message, key, requestMac, nowSeconds);
  switch (verification.kind) {
    case 'verified': {
      const answer: DnsAnswer = { message, rcode: message.rcode, signed: true, tsig: verification.tsig };
      if (verification.tsig.error !== 0) answer.tsigError = verification.tsig.error;
      if (verification.clockOffsetSeconds !== undefined) answer.clockOffsetSeconds = verification.clockOffsetSeconds;
      return { kind: 'answer', value: answer };
    }
    case 'unsigned-error':
      return { kind: 'answer', value: { message, rcode: message.rcode, signed: false, tsig: verification.tsig, tsigError: verification.tsig.error } };
    case 'unsigned':
      if (message.rcode !== 0) return { kind: 'answer', value: { message, rcode: message.rcode, signed: false } };
      return { kind: 'ignore', reason: 'an unsigned answer to a signed request' };
    default:
      return { kind: 'ignore', reason: verification.reason };
  }
}

export class DnsClient {
  constructor(private readonly options: ClientOptions) {}

  get endpoint(): Endpoint {
    return this.options.endpoint;
  }

  private sign(build: (id: number) => Buffer): { id: number; signed: SignedMessage } {
    const id = this.options.nextId ? this.options.nextId() : randomInt(0, 0x10000);
    const signed = signMessage(build(id), this.options.key, Math.floor(this.options.now() / 1000));
    return { id, signed };
  }

  private async exchange(expected: Expected, build: (id: number) => Buffer, signal: AbortSignal): Promise<DnsAnswer> {
    const { id, signed } = this.sign(build);
    return transact(
      this.options.endpoint,
      signed.packet,
      (packet) => judge(packet, expected, id, this.options.key, signed.mac, Math.floor(this.options.now() / 1000)),
      { signal, timeoutMs: this.options.timeoutMs, ...(this.options.tcp ? { tcp: true } : {}) },
    );
  }

  query(name: string, type: number, signal: AbortSignal): Promise<DnsAnswer> {
    return this.exchange({ opcode: OPCODE.QUERY, name, type }, (id) => buildQuery(id, name, type), signal);
  }

  update(zone: string, replacements: readonly Replacement[], signal: AbortSignal): Promise<DnsAnswer> {
    return this.exchange({ opcode: OPCODE.UPDATE, name: zone, type: TYPE.SOA }, (id) => buildUpdate(id, zone, replacements), signal);
  }
}
