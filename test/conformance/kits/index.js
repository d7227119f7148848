'use strict';
// Every provider the conformance suite runs over (test/nodes/provider-conformance.test.js).
// The kit interface is described in test/conformance/README.md; a new provider adds its
// kit file and one line here.
module.exports = [
  require('./aliyun'),
  require('./dyndns2'),
  require('./cloudflare'),
  require('./rfc2136'),
  require('./duckdns'),
  require('./huaweicloud'),
  require('./porkbun'),
  require('./desec'),
  require('./dnspod'),
  require('./route53'),
  require('./gandi'),
  require('./hetzner'),
  require('./ionos'),
  require('./cloudns'),
  require('./namecheap'),
  require('./http'),
];
