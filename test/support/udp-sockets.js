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

module.exports = { trackSockets };
