'use strict';
// The editor's check of the `verify` setting (DdnsRules.verify in the generated
// resources/ddns-rules.js) against the runtime's parseVerifySetting
// (src/sources/authoritative.ts): a dialog must accept exactly what a deployed
// node accepts, or a node marked valid fails at deploy (and the reverse).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const root = path.join(__dirname, '..', '..');
const { parseVerifySetting } = require('../../dist/sources/authoritative');

/** The editor's rules, run as the browser runs them: a script that sets window.DdnsRules. */
function editorRules() {
  const window = {};
  vm.runInNewContext(fs.readFileSync(path.join(root, 'resources', 'ddns-rules.js'), 'utf8'), { window, URL });
  return window.DdnsRules;
}

function runtimeTakes(text) {
  try {
    parseVerifySetting(text);
    return true;
  } catch (err) {
    assert.equal(err.code, 'ECONFIG', `${text}: ${err.message}`);
    return false;
  }
}

describe('the verify setting: the editor takes what the runtime takes', () => {
  const cases = [
    ['', true],
    ['   ', true],
    ['auto', true],
    ['AUTO', true],
    ['off', true],
    ['Off', true],
    ['ns1.example.net', true],
    ['ns1.example.net ns2.example.net', true],
    ['ns1.example.net, 192.0.2.53:5353', true],
    ['127.0.0.1:53535', true],
    ['2001:db8::53', true],
    ['[2001:db8::53]:5353', true],
    ['[2001:db8::53]', true],
    ['_ns.example.net', true],
    ['localhost', true],
    ['ns1.example.net.', true],
    ['ns1.example.net:0', false],
    ['ns1.example.net:65536', false],
    ['ns1.example.net:dns', false],
    ['192.0.2.53:', false],
    [':53', false],
    ['-ns.example.net', false],
    ['ns1..example.net', false],
    ['https://ns1.example.net', false],
    ['ns1.example.net; rm', false],
    ['名字.example', false],
    [Array.from({ length: 13 }, (_, i) => `ns${i}.example.net`).join(' '), true],
    [Array.from({ length: 14 }, (_, i) => `ns${i}.example.net`).join(' '), false],
  ];

  it('the cases state the runtime\'s verdicts (parseVerifySetting)', () => {
    // a change in the runtime's rule shows here first
    assert.deepEqual(cases.map(([text]) => [text, runtimeTakes(text)]), cases);
  });

  it('DdnsRules.verify gives the same verdicts', () => {
    const rules = editorRules();
    assert.deepEqual(cases.map(([text]) => [text, rules.verify(text)]), cases);
  });

  it('DdnsRules.number takes verifyAfter\'s fractions and refuses what numberSetting refuses', () => {
    const rules = editorRules();
    // src/sources/record-check.ts checkSettings: verifyAfter 0.01..1440 (fractions), verifyTimeout 1..3600 (whole)
    assert.deepEqual(['0.5', '0.01', '1440', '0.001', '1441', 'ten', '-1'].map((v) => rules.number(v, 0.01, 1440, { whole: false })), [true, true, true, false, false, false, false]);
    assert.deepEqual(['120', '1', '3600', '0', '3601', '1.5'].map((v) => rules.number(v, 1, 3600)), [true, true, true, false, false, false]);
  });
});
