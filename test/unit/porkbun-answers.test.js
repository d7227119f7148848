'use strict';
// How src/providers/porkbun reads Porkbun API v3 answers and checks its keys
// (https://porkbun.com/api/json/v3/documentation); the error texts are the ones
// users quote from the real API (cited in src/providers/porkbun/client.ts).
const assert = require('node:assert/strict');
const { porkbunFailure, readRecords, API_ACCESS_HINT } = require('../../dist/providers/porkbun/client');
const { checkKeys, subdomainOf, descriptor } = require('../../dist/providers/porkbun');

const PK = `pk1_${'5299b57125c8f3cd'.repeat(4)}`;
const SK = `sk1_${'7d119e3f656b00ae'.repeat(4)}`;

describe('porkbun answers', function () {
  const fail = (status, message, secrets = []) => porkbunFailure('Porkbun retrieve', status, message === undefined ? undefined : { status: 'ERROR', message }, undefined, secrets);

  it('"Invalid API key. (002)" with HTTP 400 is EAUTH, not retried (jeessy2/ddns-go#388)', () => {
    const err = fail(400, 'Invalid API key. (002)');
    assert.equal(err.code, 'EAUTH');
    assert.equal(err.retryable, false);
    assert.equal(err.providerCode, 'Invalid API key. (002)');
  });

  it('"Domain is not opted in to API access." is EFORBIDDEN and says where to switch it on (jeessy2/ddns-go#1015)', () => {
    const err = fail(400, 'Domain is not opted in to API access.');
    assert.equal(err.code, 'EFORBIDDEN');
    assert.ok(err.message.includes(API_ACCESS_HINT));
    assert.equal(API_ACCESS_HINT, "switch on API ACCESS for this domain in Porkbun's domain management");
  });

  it('"Invalid domain." is ENOTFOUND; another message is EPROVIDER with its words', () => {
    assert.equal(fail(400, 'Invalid domain.').code, 'ENOTFOUND');
    const other = fail(400, 'Create error: We were unable to create the DNS record.');
    assert.equal(other.code, 'EPROVIDER');
    assert.match(other.message, /unable to create the DNS record/);
  });

  it('HTTP 429 and rate-limit words are ETHROTTLED and retryable; a 5xx is retryable', () => {
    assert.equal(fail(429, undefined).code, 'ETHROTTLED');
    assert.equal(fail(429, undefined).retryable, true);
    assert.equal(fail(400, 'Rate limit exceeded.').code, 'ETHROTTLED');
    assert.equal(fail(503, undefined).retryable, true);
  });

  it('a key echoed in a message is masked', () => {
    const err = fail(400, `Invalid API key ${SK}`, [SK]);
    assert.ok(!err.message.includes(SK));
    assert.ok(!String(err.providerCode).includes(SK));
  });

  it('records keep their fields as text (ttl and prio come as strings, ids may come as numbers)', () => {
    const records = readRecords([
      { id: 106926659, name: 'home.example.com', type: 'A', content: '203.0.113.1', ttl: '600', prio: '0', notes: null },
      { id: '', name: 'x', type: 'A', content: '203.0.113.2' },
      'junk',
    ]);
    assert.deepEqual(records, [{ id: '106926659', name: 'home.example.com', type: 'A', content: '203.0.113.1', ttl: '600', prio: '0', notes: '' }]);
    assert.equal(readRecords({}), undefined);
  });
});

describe('porkbun settings', function () {
  it('keys are pk1_ and sk1_; swapped keys are said to be swapped', () => {
    assert.deepEqual(checkKeys(PK, SK), { apiKey: PK, secretApiKey: SK });
    assert.throws(() => checkKeys(SK, PK), /swapped/);
    assert.throws(() => checkKeys('abc', SK), /not a Porkbun API key/);
    assert.throws(() => checkKeys(PK, 'secret'), /not a Porkbun secret API key/);
  });

  it('the subdomain of the apex is empty, of a wildcard `*`', () => {
    assert.equal(subdomainOf('example.com', 'example.com'), '');
    assert.equal(subdomainOf('home.example.com', 'example.com'), 'home');
    assert.equal(subdomainOf('*.lab.example.com', 'example.com'), '*.lab');
  });

  it('the TTL range is Porkbun\'s: 600 ("the minimum and the default is 600 seconds") to a day', () => {
    assert.deepEqual(descriptor.updater.ttl, { min: 600, max: 86400 });
    assert.equal(descriptor.account.endpoint, 'https://api.porkbun.com/api/json/v3');
  });
});
