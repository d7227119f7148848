/**
 * One DNS transaction with the server: UDP first, TCP when the request is too
 * large for a plain UDP datagram (RFC 1035 §4.2.1: 512 octets without EDNS) or
 * the UDP answer comes back truncated (RFC 1035 §4.2.2, RFC 7766 §5), all
 * within one deadline, aborted with the run.
 *
 * A datagram that is not the answer (another id, a message we cannot read, a
 * signature that does not verify) is passed over and the wait goes on, as RFC
 * 8945 §5.3.3 asks of a client; a forged datagram cannot end the exchange
 * early. The UDP socket is connected, so only datagrams from the server's
 * address and port reach it, and each exchange uses a new socket and so a new
 * random source port.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, connect, type Socket as TcpSocket } from 'node:net';
import { DdnsError, abortReason, toDdnsError } from '../../core/errors';
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
 * (retryable) when only answers that had to be passed over came.
 */
export async function transact<T>(endpoint: Endpoint, request: Buffer, judge: (answer: Buffer) => Judgement<T>, options: TransactOptions): Promise<T> {
  const { signal } = options;
  if (signal.aborted) throw abortReason(signal);
  const deadline = Date.now() + options.timeoutMs;
  const where = describeEndpoint(endpoint);
  const target = await withDeadline(resolve(endpoint.host), deadline, signal, where);
  const passedOver: string[] = [];
  if (!options.tcp && request.length <= UDP_LIMIT) {
    const udp = await overUdp(target, endpoint.port, request, judge, deadline, signal, where, passedOver);
    if (udp.kind === 'answer') return udp.value;
  }
  return overTcp(target, endpoint.port, request, judge, deadline, signal, where, passedOver);
}

function timedOut(where: string, passedOver: readonly string[]): DdnsError {
  if (passedOver.length > 0) {
    return new DdnsError('EBADRESPONSE', `no usable answer from ${where}: ${passedOver[0]}`, { retryable: true });
  }
  return new DdnsError('ETIMEDOUT', `no answer from the DNS server ${where} in time`, { retryable: true });
}

function withDeadline<T>(work: Promise<T>, deadline: number, signal: AbortSignal, where: string): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => finish(() => reject(timedOut(where, []))), Math.max(0, deadline - Date.now()));
    const onAbort = () => finish(() => reject(abortReason(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    function finish(action: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      action();
    }
    work.then(
      (value) => finish(() => resolvePromise(value)),
      (err) => finish(() => reject(err)),
    );
  });
}

type UdpOutcome<T> = { kind: 'answer'; value: T } | { kind: 'tcp' };

function overUdp<T>(
  target: { address: string; family: 4 | 6 },
  port: number,
  request: Buffer,
  judge: (answer: Buffer) => Judgement<T>,
  deadline: number,
  signal: AbortSignal,
  where: string,
  passedOver: string[],
): Promise<UdpOutcome<T>> {
  return new Promise<UdpOutcome<T>>((resolvePromise, reject) => {
    const socket: UdpSocket = createSocket(target.family === 6 ? 'udp6' : 'udp4');
    let settled = false;
    const timer = setTimeout(() => finish(() => reject(timedOut(where, passedOver))), Math.max(0, deadline - Date.now()));
    const onAbort = () => finish(() => reject(abortReason(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    function finish(action: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.close();
      action();
    }
    socket.on('error', (err) => finish(() => reject(toDdnsError(err, `DNS server ${where}`))));
    socket.on('message', (packet) => {
      if (settled) return;
      let verdict: Judgement<T>;
      try {
        verdict = judge(packet);
      } catch (err) {
        return finish(() => reject(err));
      }
      if (verdict.kind === 'answer') finish(() => resolvePromise({ kind: 'answer', value: verdict.value }));
      else if (verdict.kind === 'truncated') finish(() => resolvePromise({ kind: 'tcp' }));
      else if (verdict.reason) passedOver.push(verdict.reason);
    });
    socket.connect(port, target.address, () => {
      if (settled) return;
      socket.send(request, (err) => {
        if (err) finish(() => reject(toDdnsError(err, `DNS server ${where}`)));
      });
    });
  });
}

function overTcp<T>(
  target: { address: string; family: 4 | 6 },
  port: number,
  request: Buffer,
  judge: (answer: Buffer) => Judgement<T>,
  deadline: number,
  signal: AbortSignal,
  where: string,
  passedOver: string[],
): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    if (Date.now() >= deadline) return reject(timedOut(where, passedOver));
    const socket: TcpSocket = connect({ host: target.address, port, family: target.family });
    let settled = false;
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => finish(() => reject(timedOut(where, passedOver))), Math.max(0, deadline - Date.now()));
    const onAbort = () => finish(() => reject(abortReason(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    function finish(action: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      action();
    }
    socket.on('error', (err) => finish(() => reject(toDdnsError(err, `DNS server ${where} (TCP)`))));
    socket.on('connect', () => {
      // RFC 1035 §4.2.2: each message on a TCP connection is preceded by its length
      const length = Buffer.alloc(2);
      length.writeUInt16BE(request.length);
      socket.write(Buffer.concat([length, request]));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 2) return;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const size = all.readUInt16BE(0);
      if (all.length < 2 + size) return;
      const packet = all.subarray(2, 2 + size);
      let verdict: Judgement<T>;
      try {
        verdict = judge(packet);
      } catch (err) {
        return finish(() => reject(err));
      }
      if (verdict.kind === 'answer') return finish(() => resolvePromise(verdict.value));
      const why = verdict.kind === 'truncated' ? 'a truncated answer over TCP' : verdict.reason ?? 'not an answer to the request';
      finish(() => reject(new DdnsError('EBADRESPONSE', `no usable answer from ${where} (TCP): ${why}`, { retryable: true })));
    });
    socket.on('end', () => finish(() => reject(new DdnsError('ENETWORK', `the DNS server ${where} closed the TCP connection without an answer`, { retryable: true }))));
  });
}
