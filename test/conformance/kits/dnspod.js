'use strict';
// Conformance kit: dnspod-account + dnspod-ddns against the DNSPod stand-in (test/servers/fake-dnspod.js).
const fakeDnspod = require('../../servers/fake-dnspod');

const ZONE = 'example.com';
const SECRET_ID = 'AKIDconformanceDnspod0123456789ab';
const SECRET_KEY = 'conformance-Dnspod-Key-3f9a2c7e1b';
const WRONG_KEY = 'conformance-Dnspod-Wrong-8d4b6e0a';

module.exports = {
  kind: 'dnspod',
  updaterType: 'dnspod-ddns',
  accountType: 'dnspod-account',
  accountProperty: 'account',
  // one generated node file registers both types (a descriptor-built provider)
  nodeFile: 'dnspod',
  zone: ZONE,
  // settings the node must refuse at deploy: red before any input
  invalid: [
    { why: 'a TTL of 0 (DNSPod takes 1 to 604800)', updater: { ttl: '0' } },
    { why: 'a host name with an empty label', updater: { hostnames: 'a..example.com' } },
    { why: 'a record line of 65 characters', updater: { line: 'x'.repeat(65) } },
  ],
  capabilities: {
    recordType: true,
    ipv6: true,
    dualStack: true,
    // Tencent Cloud API 3.0 answers every call with HTTP 200; throttling is Response.Error.Code RequestLimitExceeded
    // and no Retry-After (https://cloud.tencent.com/document/api/1427/56192), retried with the run's backoff
    retryAfter: 'Tencent Cloud sends no Retry-After: throttling is HTTP 200 with RequestLimitExceeded, retried with backoff',
    block: true,
    dryRunReads: 'a dry run looks the record up (DescribeRecordList) to tell "create" from "update"',
  },
  async start() {
    const server = await fakeDnspod.start({ keys: { [SECRET_ID]: SECRET_KEY }, domains: [ZONE] });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { secretId: SECRET_ID, secretKey: SECRET_KEY },
      refusedCredentials: { secretId: SECRET_ID, secretKey: WRONG_KEY },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({
        zone: ZONE,
        zoneType: 'str',
        hostnames: names.join(','),
        hostnamesType: 'str',
        recordType,
        ttl: '',
        line: '默认',
        dryRun,
      }),
      requests: () => server.requests.length,
      writes: () => server.count('ModifyRecord') + server.count('CreateRecord'),
      value: (name, type) => server.values(name, type, ZONE),
      throttle() {
        throw new Error('dnspod: no Retry-After');
      },
      secrets: [SECRET_KEY, WRONG_KEY, encodeURIComponent(SECRET_KEY), Buffer.from(SECRET_KEY).toString('base64'), Buffer.from(WRONG_KEY).toString('base64')],
      reset() {
        server.reset();
        server.clearRecords();
      },
      close: () => server.close(),
    };
  },
};
