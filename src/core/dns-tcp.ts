/**
 * One DNS message over TCP (RFC 7766, RFC 1035 section 4.2.2): a 2-byte length
 * before the query and before the answer. Used when a UDP answer comes back
 * with the TC bit, as dig does ("Truncated, retrying in TCP mode") and as RFC
 * 7766 section 5 asks of every client, and for RFC 2136 updates too large for
 * a datagram. The connection is closed after the one
 * answer, on error, at the deadline and on abort; the answer can be no larger
 * than the 65,535 bytes its length field can say.
 */
import { connect, type Socket } from 'node:net';
import { DdnsError, abortReason, toDdnsError } from './errors';

export interface TcpQuestion {
  target: { address: string; family: 4 | 6; port: number };
  packet: Buffer;
  signal: AbortSignal;
  timeoutMs: number;
  /** source address to connect from (bind) */
  localAddress?: string;
}

export function tcpExchange(question: TcpQuestion): Promise<Buffer> {
  const { target, signal } = question;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  const peer = target.family === 6 ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    let socket: Socket | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    const onAbort = () => finish(abortReason(signal));
    const timer = setTimeout(
      () => finish(new DdnsError('ETIMEDOUT', `no answer over TCP from ${peer} within ${question.timeoutMs / 1000} s`, { retryable: true })),
      question.timeoutMs,
    );
    function finish(err: DdnsError | undefined, answer?: Buffer) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket?.destroy();
      if (err) reject(err);
      else resolve(answer!);
    }
    signal.addEventListener('abort', onAbort, { once: true });
    const framed = Buffer.alloc(2 + question.packet.length);
    framed.writeUInt16BE(question.packet.length, 0);
    question.packet.copy(framed, 2);
    try {
      socket = connect({ host: target.address, port: target.port, family: target.family, localAddress: question.localAddress });
    } catch (err) {
      finish(toDdnsError(err, `TCP to ${peer}`));
      return;
    }
    socket.on('connect', () => socket!.write(framed));
    // the chunks are kept as they come and joined once, when the answer is whole: joining on
    // every chunk made a server that writes one byte at a time cost quadratic time (issue 22.9)
    let expected: number | undefined;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (expected === undefined) {
        if (received < 2) return;
        // the length prefix may itself come in two chunks of one byte
        const high = chunks[0][0];
        const low = chunks[0].length > 1 ? chunks[0][1] : chunks[1][0];
        expected = 2 + ((high << 8) | low);
      }
      if (received < expected) return;
      const whole = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      finish(undefined, whole.subarray(2, expected));
    });
    socket.on('error', (err) => finish(toDdnsError(err, `TCP to ${peer}`)));
    socket.on('close', () =>
      finish(new DdnsError('EBADRESPONSE', `${peer} closed the TCP connection before the answer was complete`, { retryable: true })),
    );
  });
}
