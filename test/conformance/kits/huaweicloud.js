'use strict';
// Conformance kit: huaweicloud-account + huaweicloud-ddns against the Huawei Cloud DNS stand-in
// (test/servers/fake-huaweicloud.js, which verifies AK/SK signatures with the secret key).
const fakeHuawei = require('../../servers/fake-huaweicloud');

const ZONE = 'example.com';
const AK = 'HPUACONFORMANCEAK021';
const SK = 'conformanceSecretKey0000000000000000000021';
const WRONG_SK = 'conformanceRevokedKey000000000000000000021';

module.exports = {
  kind: 'huaweicloud',
  updaterType: 'huaweicloud-ddns',
  accountType: 'huaweicloud-account',
  accountProperty: 'account',
  nodeFile: 'huaweicloud',
  zone: ZONE,
  // settings the node must refuse at deploy: red before any input
  invalid: [
    { why: 'a TTL of 0 (Huawei Cloud takes 1 to 2147483647)', updater: { ttl: '0' } },
    { why: 'a host name outside the zone', updater: { hostnames: 'home.example.org' } },
  ],
  capabilities: {
    recordType: true,
    ipv6: true,
    dualStack: true,
    retryAfter: true,
    block: true,
    dryRunReads: 'a dry run looks the zone and record sets up to tell "create" from "update"',
  },
  async start() {
    const server = await fakeHuawei.start({ keys: { [AK]: SK }, zones: [ZONE] });
    return {
      account: () => ({ endpoint: server.url }),
      credentials: { accessKey: AK, secretKey: SK },
      refusedCredentials: { accessKey: AK, secretKey: WRONG_SK },
      updater: ({ names, recordType = 'auto', dryRun = false }) => ({
        zone: ZONE,
        zoneType: 'str',
        hostnames: names.join(','),
        hostnamesType: 'str',
        recordType,
        ttl: '',
        dryRun,
      }),
      requests: () => server.requests().length,
      writes: () => server.count('create') + server.count('update'),
      value: (name, type) => server.values(name, type),
      throttle(seconds, count = 1) {
        server.inject({ status: 429, count, headers: { 'retry-after': String(seconds) }, body: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute', request_id: 'conformance' } });
      },
      secrets: [SK, WRONG_SK, ...[SK, WRONG_SK].map((s) => Buffer.from(s).toString('base64'))],
      reset() {
        server.reset();
        server.clearRecords();
      },
      close: () => server.close(),
    };
  },
};
