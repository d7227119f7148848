/**
 * One DNS transaction with the server: UDP first, TCP when the request is too
 * large for a plain UDP datagram (RFC 1035 §4.2.1: 512 octets without EDNS) or
 * the UDP answer comes back truncated (RFC 1035 §4.2.2, RFC 7766 §5), all
 * within one deadline, aborted with the run.
 *
 * A datagram that is not the answer (another id, a message we cannot read, a
 * signature that does not verify) is passed over and the wait goes on, as RFC
 * 8945 §5.3.3 asks of a client; a forged datagram cannot end the exchange
 * early. Only datagrams from the server's address and port are looked at, and
 * each exchange uses a new socket and so a new random source port. The socket
 * and connection life cycles are core's (udp.ts, dns-tcp.ts), shared with the
 * address sources.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { startDeadline } from '../../core/deadline';
import { tcpExchange } from '../../core/dns-tcp';
import { DdnsError, abortReason, toDdnsError } from '../../core/errors';
import { udpExchange } from '../../core/udp';
import { UDP_LIMIT } from './wire';

export interface Endpoint {
  host: string;
  port: number;
}

/** What the caller made of one answer. */
export type Judgement<T> =
  | { kind: 'answer'; value: T }
  /** the server truncated its answer: ask again over TCP */
  | { kind: 'truncated' }
  /** not the answer: keep waiting; `reason` says why if it was a candidate */
  | { kind: 'ignore'; reason?: string };

export interface TransactOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** always TCP (tests; a server that drops UDP) */
  tcp?: boolean;
}

export function describeEndpoint(endpoint: Endpoint): string {
  return isIP(endpoint.host) === 6 ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

async function resolve(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const literal = isIP(host);
  if (literal) return { address: host, family: literal as 4 | 6 };
  try {
    const found = await lookup(host);
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (err) {
    throw toDdnsError(err, `cannot resolve the DNS server ${host.slice(0, 64)}`);
  }
}

/**
 * Sends `request` to `endpoint` and resolves with the first answer `judge`
 * accepts. ETIMEDOUT (retryable) when none came in time, EBADRESPONSE
 * (retryable) when only answers that had to be passed over came. One deadline
 * bounds all of it: the name lookup, UDP and the TCP retry.
 */
export async function transact<T>(endpoint: Endpoint, request: Buffer, judge: (answer: Buffer) => Judgement<T>, options: TransactOptions): Promise<T> {
  if (options.signal.aborted) throw abortReason(options.signal);
  const deadline = startDeadline(options.timeoutMs, options.signal);
  const endsAt = Date.now() + options.timeoutMs;
  const where = describeEndpoint(endpoint);
  const passedOver: string[] = [];
  try {
    const target = await untilAborted(resolve(endpoint.host), deadline.signal);
    if (!options.tcp && request.length <= UDP_LIMIT) {
      const udp = await overUdp(target, endpoint.port, request, judge, deadline.signal, where, passedOver);
      if (udp.kind === 'answer') return udp.value;
    }
    return await overTcp(target, endpoint.port, request, judge, deadline.signal, Math.max(1, endsAt - Date.now()), where);
  } catch (err) {
    if (deadline.expired()) throw timedOut(where, passedOver);
    throw err;
  } finally {
    deadline.clear();
  }
}

function timedOut(where: string, passedOver: readonly string[]): DdnsError {
  if (passedOver.length > 0) {
    return new DdnsError('EBADRESPONSE', `no usable answer from ${where}: ${passedOver[0]}`, { retryable: true });
  }
  return new DdnsError('ETIMEDOUT', `no answer from the DNS server ${where} in time`, { retryable: true });
}

/** `work`, or the signal's reason as soon as it aborts (a name lookup cannot be cancelled). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolvePromise(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

type UdpOutcome<T> = { kind: 'answer'; value: T } | { kind: 'tcp' };

/** One datagram out, answers in until `judge` accepts one or says it was truncated. */
function overUdp<T>(
  target: { address: string; family: 4 | 6 },
  port: number,
  request: Buffer,
  judge: (answer: Buffer) => Judgement<T>,
  signal: AbortSignal,
  where: string,
  passedOver: string[],
): Promise<UdpOutcome<T>> {
  return udpExchange<UdpOutcome<T>>({
    family: target.family,
    signal,
    peer: `DNS server ${where}`,
    start: () => undefined,
    bound: (io) => io.sendConnected(request, port, target.address, `DNS server ${where}`),
    message(packet, from, io) {
      // connected: only the server's own address and port reach the socket; a new socket per exchange, so a new source port
      if (from.port !== port) return;
      let verdict: Judgement<T>;
      try {
        verdict = judge(packet);
      } catch (err) {
        return io.fail(toDdnsError(err));
      }
      if (verdict.kind === 'answer') io.succeed({ kind: 'answer', value: verdict.value });
      else if (verdict.kind === 'truncated') io.succeed({ kind: 'tcp' });
      else if (verdict.reason) passedOver.push(verdict.reason);
    },
  });
}

/** The request over TCP, length-framed; its one answer is the answer or a failure. */
async function overTcp<T>(
  target: { address: string; family: 4 | 6 },
  port: number,
  request: Buffer,
  judge: (answer: Buffer) => Judgement<T>,
  signal: AbortSignal,
  timeoutMs: number,
  where: string,
): Promise<T> {
  const packet = await tcpExchange({ target: { ...target, port }, packet: request, signal, timeoutMs });
  const verdict = judge(packet);
  if (verdict.kind === 'answer') return verdict.value;
  const why = verdict.kind === 'truncated' ? 'a truncated answer over TCP' : verdict.reason ?? 'not an answer to the request';
  throw new DdnsError('EBADRESPONSE', `no usable answer from ${where} (TCP): ${why}`, { retryable: true });
}
