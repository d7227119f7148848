'use strict';
const dgram = require('node:dgram');

/** Records every UDP socket the code under test opens, to check each one is closed. */
function trackSockets() {
  const original = dgram.createSocket;
  const sockets = [];
  dgram.createSocket = function (...args) {
    const socket = original.apply(this, args);
    const entry = { closed: false };
    socket.once('close', () => (entry.closed = true));
    sockets.push(entry);
    return socket;
  };
  return {
    sockets,
    async allClosed() {
      await new Promise((resolve) => setImmediate(resolve));
      return sockets.every((s) => s.closed);
    },
    restore() {
      dgram.createSocket = original;
    },
  };
}

/** A UDP socket bound to address:port (0 = any free port), for the fake servers. */
function bindUdp(address, port, reuseAddr = false) {
  const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', reuseAddr });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

module.exports = { trackSockets, bindUdp };
