'use strict';
// The dync sample UDP socket provider on loopback: a datagram `ip-request\n` gets
// the client's address back as text (or a configured reply). Modes make it stay
// silent, send an empty or oversized reply, or forge a reply from another socket
// (another port, or another loopback address on the same port) before, or instead
// of, the real one. It records every request with the peer's address and port.
const { bindUdp } = require('../support/udp-sockets');

const REQUEST = 'ip-request\n';
// what a forger would like the client to believe
const DECOY = '192.0.2.66';


/**
 * options.reply: text, or (peer) => text; default: the peer's address
 * options.mode: 'answer' (default), 'silent', 'empty', 'huge', 'dropFirst',
 *   'spoofPortFirst', 'spoofAddressFirst', 'spoofOnly'
 * options.strict: answer only the exact dync request (default true, like the sample)
 */
async function start(options = {}) {
  const host = options.host || '127.0.0.1';
  const settings = { reply: undefined, mode: 'answer', strict: true, ...options };
  const requests = [];
  const timers = new Set();

  const socket = await bindUdp(host, 0);
  const { port } = socket.address();
  const spoofPort = await bindUdp(host, 0);
  const spoofAddress = host === '127.0.0.1' ? await bindUdp('127.0.0.3', port).catch(() => undefined) : undefined;

  function later(fn) {
    // the forged datagram goes first; the real one a moment after, so the order is certain
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, 20);
    timers.add(timer);
  }

  socket.on('message', (data, peer) => {
    requests.push({ address: peer.address, port: peer.port, data: data.toString('utf8') });
    if (settings.strict && data.toString('utf8') !== REQUEST) return;
    const text = typeof settings.reply === 'function' ? settings.reply(peer) : settings.reply ?? peer.address;
    const send = (body, from = socket) => from.send(Buffer.from(body, 'utf8'), peer.port, peer.address);
    switch (settings.mode) {
      case 'silent':
        return;
      case 'empty':
        return send('');
      case 'huge':
        return send(`${text}\n${'x'.repeat(5000)}`);
      case 'dropFirst':
        if (requests.filter((r) => r.port === peer.port && r.address === peer.address).length === 1) return;
        return send(text);
      case 'spoofPortFirst':
        send(DECOY, spoofPort);
        return later(() => send(text));
      case 'spoofAddressFirst':
        send(DECOY, spoofAddress || spoofPort);
        return later(() => send(text));
      case 'spoofOnly':
        return send(DECOY, spoofPort);
      default:
        return send(text);
    }
  });

  return {
    host,
    port,
    spoofPort: spoofPort.address().port,
    spoofAddressAvailable: Boolean(spoofAddress),
    requests,
    /** changes reply, mode or strict for the following requests */
    configure(changes) {
      Object.assign(settings, changes);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      const all = [socket, spoofPort, spoofAddress].filter(Boolean);
      return Promise.all(all.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

module.exports = { start, REQUEST, DECOY };
