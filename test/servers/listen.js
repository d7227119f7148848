'use strict';
// The one way the fake HTTP servers listen: on loopback, keeping track of their
// connections so that close() ends them at once (a hung client must not keep a
// test waiting) and tests can count keep-alive reuse.
const http = require('node:http');
const https = require('node:https');

/**
 * options.host (default 127.0.0.1), options.port (default any free one),
 * options.tls ({key, cert}: HTTPS)
 */
async function listenHttp(handler, options = {}) {
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  const sockets = new Set();
  let opened = 0;
  server.on('connection', (socket) => {
    opened++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host || '127.0.0.1';
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port || 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address();
  return {
    server,
    port,
    /** `http://127.0.0.1:PORT` (or https, or [::1]) */
    origin: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    /** connections open now */
    get open() {
      return sockets.size;
    },
    /** connections opened since the start */
    get opened() {
      return opened;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { listenHttp };
