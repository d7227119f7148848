'use strict';
// A DynDNS2 server on loopback for `npm start` (development only: not in the
// packed package): user `demo`, password `demo`, the hosts of the Getting
// started tab. It answers as Dyn's servers do (good/nochg/badauth/nohost).
const fake = require('../test/servers/fake-dyndns2');

const HOSTS = ['home.example.test', 'nas.example.test', 'www.example.test'];

async function startSandbox(port = Number(process.env.DDNS_SANDBOX_PORT || 0)) {
  return fake.start({ port, userAgent: null, users: { demo: { password: 'demo', hosts: HOSTS } } });
}

module.exports = { startSandbox, HOSTS };
