'use strict';
// Conformance kit: route53-account + route53-ddns against the Route 53 stand-in (test/servers/fake-route53.js).
const fakeRoute53 = require('../../servers/fake-route53');

const ZONE = 'example.com';
const KEY_ID = 'AKIACONFORMANCE00R53';
const SECRET = 'conformance/Route53+Secret0Key7Xq2Lm9Vb4Np';
const WRONG_SECRET = 'conformance/Route53+Wrong00Key3Rt8Yu1Io5Pa';

module.exports = {
  kind: 'route53',
  updaterType: 'route53-ddns',
  accountType: 'route53-account',
  accountProperty: 'account',
  nodeFile: 'route53',
  zone: ZONE,
  // settings the node must refuse at deploy: red before any input
  invalid: [
    { why: 'a TTL of -1 (Route 53 takes 0 to 2147483647)', updater: { ttl: '-1' } },
    { why: 'a host name with an empty label', updater: { hostnames: 'a..example.com' } },
    { why: 'a zone that is neither a name nor a hosted zone id', updater: { zone: 'Q12345' } },
  ],
  capabilities: {
    recordType: true,
    ipv6: true,
    dualStack: true,
    retryAfter: true,
    block: true,
    dryRunReads: 'a dry run looks the hosted zone and the record set up to tell "create" from "update"',
  },
  async start() {
    // the change answers INSYNC itself, so no check waits for GetChange polls (route53-ddns.test.js covers them)
    const server = await fakeRoute53.start({ keys: { [KEY_ID]: SECRET }, zones: [{ name: ZONE }], insyncAtOnce: true });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
      refusedCredentials: { accessKeyId: KEY_ID, secretAccessKey: WRONG_SECRET },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({
        zone: ZONE,
        zoneType: 'str',
        hostnames: names.join(','),
        hostnamesType: 'str',
        recordType,
        ttl: '',
        insyncWait: 60,
        dryRun,
      }),
      requests: () => server.requests.length,
      writes: () => server.count('change'),
      value: (name, type) => server.values(name, type),
      throttle(seconds, count = 1) {
        server.inject({ status: 429, code: 'Throttling', message: 'Rate exceeded', headers: { 'retry-after': String(seconds) }, count });
      },
      secrets: [SECRET, WRONG_SECRET, ...[SECRET, WRONG_SECRET].flatMap((s) => [Buffer.from(s).toString('base64'), encodeURIComponent(s)])],
      reset() {
        server.reset();
        server.clearRecords();
      },
      close: () => server.close(),
    };
  },
};
