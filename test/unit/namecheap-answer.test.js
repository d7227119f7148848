'use strict';
// The Namecheap Dynamic DNS answer reader and host names (src/providers/namecheap): the XML shapes
// Namecheap's knowledge base article 29/11 documents and ddclient / ddns-updater read, read by a
// bounded linear reader; hosts relative to the account's domain as on the Advanced DNS page.
const assert = require('node:assert/strict');
const { readInterfaceResponse, answerFailure } = require('../../dist/providers/namecheap/answer');
const { namecheapNames, hostOf } = require('../../dist/providers/namecheap');
const { interfaceResponse } = require('../servers/fake-namecheap');

const SUCCESS = '<interface-response><Command>SETDNSHOST</Command><Language>eng</Language><IP>1.2.3.4</IP><ErrCount>0</ErrCount><errors/><ResponseCount>0</ResponseCount><Done>true</Done></interface-response>';
const REFUSED =
  '<interface-response><Command>SETDNSHOST</Command><Language>eng</Language><ErrCount>1</ErrCount><errors><Err1>Passwords do not match</Err1></errors><ResponseCount>1</ResponseCount>' +
  '<responses><response><ResponseNumber>304156</ResponseNumber><ResponseString>Validation error; invalid ; password</ResponseString></response></responses><Done>true</Done></interface-response>';
const ctx = (over = {}) => ({ name: 'www.example.com', host: 'www', domain: 'example.com', value: '1.2.3.4', secrets: [], statusCode: 200, ...over });

describe('namecheap answer reader', () => {
  it('reads the documented success: ErrCount 0, the IP now held, Done', () => {
    assert.deepEqual(readInterfaceResponse(SUCCESS), { errCount: 0, errors: [], responses: [], ip: '1.2.3.4', done: 'true' });
    assert.equal(answerFailure(readInterfaceResponse(SUCCESS), ctx()), undefined);
  });

  it('reads the documented failure: Err1 and the ResponseString', () => {
    assert.deepEqual(readInterfaceResponse(REFUSED), { errCount: 1, errors: ['Passwords do not match'], responses: ['Validation error; invalid ; password'], done: 'true' });
  });

  it('reads the fake\'s answers too (utf-16 declaration, CRLF, <errors />, CDATA debug)', () => {
    assert.equal(readInterfaceResponse(interfaceResponse({ ip: '9.9.9.9' })).ip, '9.9.9.9');
    assert.deepEqual(readInterfaceResponse(interfaceResponse({ error: { text: 'A & B <c>', number: 1, response: 'x' } })).errors, ['A & B <c>']);
  });

  it('is not fooled by text that is no interface-response, or has no ErrCount', () => {
    assert.equal(readInterfaceResponse('<html><body>ErrCount 0</body></html>'), undefined);
    assert.equal(readInterfaceResponse('<interface-response><IP>1.2.3.4</IP><Done>true</Done></interface-response>'), undefined);
    assert.equal(readInterfaceResponse('<interface-response><ErrCount>-1</ErrCount></interface-response>'), undefined);
  });

  it('reads at most 10 errors, and no value longer than 512 characters', () => {
    const many = Array.from({ length: 50 }, (_, i) => `<Err${i + 1}>e${i + 1}</Err${i + 1}>`).join('');
    const answer = readInterfaceResponse(`<interface-response><ErrCount>50</ErrCount><errors>${many}</errors></interface-response>`);
    assert.equal(answer.errors.length, 10);
    assert.equal(readInterfaceResponse(`<interface-response><ErrCount>0</ErrCount><IP>${'1'.repeat(600)}</IP></interface-response>`).ip, undefined);
  });

  it('reads a megabyte of unclosed tags in one linear pass (counted, not timed)', () => {
    const hostile = `<interface-response><ErrCount>9</ErrCount><errors>${'<Err1>'.repeat(200000)}`;
    let scans = 0;
    const indexOf = String.prototype.indexOf;
    String.prototype.indexOf = function (...args) {
      scans++;
      return indexOf.apply(this, args);
    };
    try {
      readInterfaceResponse(hostile);
    } finally {
      String.prototype.indexOf = indexOf;
    }
    assert.ok(scans < 40, `${scans} scans`);
  });

  it('maps the answers: password → EAUTH, domain or record not found → ENOTFOUND, other → EPROVIDER, IP echoed otherwise → EBADRESPONSE', () => {
    const failure = (text, response = '') => answerFailure({ errCount: 1, errors: [text], responses: response ? [response] : [], done: 'true' }, ctx());
    assert.equal(answerFailure(readInterfaceResponse(REFUSED), ctx()).code, 'EAUTH');
    assert.equal(answerFailure(readInterfaceResponse(REFUSED), ctx()).providerCode, 'Passwords do not match');
    assert.equal(failure('something', 'Validation error; invalid ; password').code, 'EAUTH');
    assert.equal(failure('Domain name not found').code, 'ENOTFOUND');
    assert.match(failure('No Records updated. A record not Found;').message, /host www in example\.com/);
    assert.equal(failure('No Records updated. A record not Found;').code, 'ENOTFOUND');
    assert.equal(failure('An internal error has occurred').code, 'EPROVIDER');
    assert.equal(answerFailure({ errCount: 0, errors: [], responses: [], ip: '5.6.7.8', done: 'true' }, ctx()).code, 'EBADRESPONSE');
    assert.equal(answerFailure({ errCount: 0, errors: [], responses: [], ip: '1.2.3.4', done: 'false' }, ctx()).code, 'EBADRESPONSE');
    assert.equal(answerFailure({ errCount: 0, errors: [], responses: [], done: 'true' }, ctx()), undefined, 'no IP echoed: the update is taken, as ddns-updater does');
  });

  it('masks the password in every text it carries from the answer', () => {
    const secret = '0123456789abcdef0123456789abcdef';
    const err = answerFailure({ errCount: 1, errors: [`bad password ${secret}`], responses: [`password=${encodeURIComponent(secret)}`], done: 'true' }, ctx({ secrets: [secret] }));
    assert.ok(!err.message.includes(secret.slice(0, 8)) && !err.providerCode.includes(secret.slice(0, 8)), err.message);
  });
});

describe('namecheap hosts', () => {
  const cases = [
    ['@', ['example.com']],
    ['@, www, *', ['example.com', 'www.example.com', '*.example.com']],
    ['home.example.com example.com.', ['home.example.com', 'example.com']],
    ['HOME, home', ['home.example.com']],
    ['a.b', ['a.b.example.com']],
    ['_acme', ['_acme.example.com']],
  ];
  for (const [text, names] of cases) {
    it(`"${text}" → ${names.join(', ')}`, () => assert.deepEqual(namecheapNames(text, 'example.com'), names));
  }
  for (const bad of ['', 'ho$t', 'home.*', 'a..b', `${'x'.repeat(64)}`]) {
    it(`refuses "${bad.slice(0, 20)}" with ECONFIG`, () => assert.throws(() => namecheapNames(bad, 'example.com'), { code: 'ECONFIG' }));
  }
  it('names the host as Namecheap does: @ for the domain itself', () => {
    assert.equal(hostOf('example.com', 'example.com'), '@');
    assert.equal(hostOf('*.example.com', 'example.com'), '*');
    assert.equal(hostOf('a.b.example.com', 'example.com'), 'a.b');
  });
});
