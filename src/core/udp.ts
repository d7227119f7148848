/**
 * The life cycle of one UDP exchange, shared by the `sock://` and `dns://`
 * round trip (sources/socket.ts), SSDP discovery (sources/ssdp.ts) and RFC 2136
 * updates (providers/rfc2136/transport.ts): create a socket, bind it
 * (to the `bind` address when there is one), send only once bound, listen, and
 * end exactly once — on a value, an error, a timer or the signal — closing the
 * socket and clearing every timer and listener on every way out.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { DdnsError, abortReason, toDdnsError } from './errors';

export interface UdpIo<T> {
  readonly socket: Socket;
  /** false until bind completes: a send before it would bind implicitly to any address, bypassing `bind` */
  readonly bound: boolean;
  readonly settled: boolean;
  succeed(value: T): void;
  fail(err: DdnsError): void;
  /** a timer that dies with the exchange */
  after(ms: number, run: () => void): void;
  /** sends once bound (a no-op before, or after the end); a send error ends the exchange */
  send(data: Buffer, port: number, address: string, what: string): void;
  /**
   * connects the socket to one peer, then sends: the kernel drops datagrams from
   * anyone else and reports "port unreachable" as an error (ENETWORK at once,
   * not a timeout); for exchanges with exactly one server
   */
  sendConnected(data: Buffer, port: number, address: string, what: string): void;
}

export interface UdpExchange<T> {
  family: 4 | 6;
  /** source address to bind (bind); default any */
  localAddress?: string;
  signal: AbortSignal;
  /** what a socket error after binding is about, e.g. `127.0.0.1:53` */
  peer: string;
  /** called once, before binding: set the timers */
  start(io: UdpIo<T>): void;
  /** called once bound: set socket options and send */
  bound(io: UdpIo<T>): void;
  /** every datagram that arrives before the end */
  message(data: Buffer, from: RemoteInfo, io: UdpIo<T>): void;
}

export function udpExchange<T>(exchange: UdpExchange<T>): Promise<T> {
  const { signal } = exchange;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  const binding = `binding to ${exchange.localAddress ?? 'a local port'}`;
  return new Promise<T>((resolve, reject) => {
    let socket: Socket;
    try {
      socket = createSocket(exchange.family === 6 ? 'udp6' : 'udp4');
    } catch (err) {
      reject(toDdnsError(err, exchange.peer));
      return;
    }
    let settled = false;
    let bound = false;
    const timers: NodeJS.Timeout[] = [];
    const onAbort = () => end(abortReason(signal));
    function end(err: DdnsError | undefined, value?: T) {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      try {
        socket.close();
      } catch {
        // already closed by a failed bind: nothing left to release
      }
      if (err) reject(err);
      else resolve(value as T);
    }
    const io: UdpIo<T> = {
      socket,
      get bound() {
        return bound;
      },
      get settled() {
        return settled;
      },
      succeed: (value) => end(undefined, value),
      fail: (err) => end(err),
      after(ms, run) {
        timers.push(setTimeout(run, ms));
      },
      send(data, port, address, what) {
        if (settled || !bound) return;
        socket.send(data, port, address, (err) => {
          if (err) end(toDdnsError(err, what));
        });
      },
      sendConnected(data, port, address, what) {
        if (settled || !bound) return;
        socket.connect(port, address, () => {
          if (settled) return;
          socket.send(data, (err) => {
            if (err) end(toDdnsError(err, what));
          });
        });
      },
    };

    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => end(toDdnsError(err, bound ? exchange.peer : binding)));
    socket.on('message', (data, from) => {
      if (!settled) exchange.message(data, from, io);
    });
    exchange.start(io);
    try {
      // exclusive: in a cluster worker a shared handle would route replies through the primary
      socket.bind({ port: 0, address: exchange.localAddress, exclusive: true }, () => {
        if (settled) return;
        bound = true;
        exchange.bound(io);
      });
    } catch (err) {
      end(toDdnsError(err, binding));
    }
  });
}
