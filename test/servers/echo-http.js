'use strict';
// A "what is my IP" service on loopback. Each path can be given its own answer
// (status, body, content type, hang, huge or slow body); it counts requests and
// the TCP connections opened, so keep-alive reuse can be measured.
const { listenHttp } = require('./listen');

async function start(options = {}) {
  const routes = new Map();
  const requests = [];

  function handler(req, res) {
    const url = new URL(req.url, 'http://x');
    requests.push({ path: url.pathname, remoteAddress: req.socket.remoteAddress, headers: req.headers });
    const route = routes.get(url.pathname) || routes.get('*') || { body: req.socket.remoteAddress };
    if (route.hang) return; // never answers; the client's deadline must end it
    if (route.reset) return req.socket.destroy();
    res.statusCode = route.status || 200;
    res.setHeader('content-type', route.type || 'text/plain');
    if (route.hugeBytes) {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < route.hugeBytes) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      return pump();
    }
    if (route.slowMs) {
      res.write(String(route.body).slice(0, 2));
      const timer = setTimeout(() => res.end(String(route.body).slice(2)), route.slowMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    res.end(String(typeof route.body === 'function' ? route.body(req) : route.body));
  }

  const listening = await listenHttp(handler, options);
  return {
    port: listening.port,
    url: (path = '/') => `${listening.origin}${path}`,
    route(path, answer) {
      routes.set(path, answer);
    },
    requests,
    get connections() {
      return listening.opened;
    },
    close: () => listening.close(),
  };
}

module.exports = { start };
