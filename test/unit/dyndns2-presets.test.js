'use strict';
// The provider presets offered by the dyndns2-account editor.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { DYNDNS2_PRESETS, findPreset, quirksFor } = require('../../dist/providers/dyndns2/presets');
const { normaliseServerUrl, validateDualStack } = require('../../dist/providers/dyndns2/request');

describe('dyndns2 presets', () => {
  it('ids are unique', () => {
    const ids = DYNDNS2_PRESETS.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  for (const preset of DYNDNS2_PRESETS) {
    it(`${preset.id}: an https update URL the account accepts as is, a valid mode, a note`, () => {
      const url = normaliseServerUrl(preset.server);
      assert.equal(url.protocol, 'https:');
      assert.equal(url.href, preset.server);
      assert.equal(validateDualStack(preset.dualStack), preset.dualStack);
      assert.equal(typeof preset.ipv6, 'boolean');
      assert.ok(preset.label.length > 0 && preset.note.length > 0);
      assert.equal(findPreset(preset.id), preset);
    });
  }

  it('providers that are not DynDNS2 or no longer exist are not offered', () => {
    const ids = DYNDNS2_PRESETS.map((p) => p.id);
    for (const absent of ['duckdns', 'google', 'freedns']) assert.ok(!ids.includes(absent), absent);
  });

  // ddclient's nic_noip_update, qdm12/ddns-updater's noip provider and inadyn all send IPv6 in myip
  it('No-IP takes IPv6 inside myip (myip=V4,V6), never myipv6', () => {
    assert.equal(findPreset('noip').dualStack, 'combined');
  });

  const quirks = [
    ['selfhost', { noContentIsNochg: true }],
    ['dynu', { ipv6Alone: 'myip-no' }],
    ['inwx', { ipv6Alone: 'refuse' }],
    ['noip', {}],
    ['dyn', {}],
  ];
  for (const [id, expected] of quirks) {
    it(`${id}: quirks ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(quirksFor(id, new URL('http://127.0.0.1:1/nic/update')), expected);
    });
  }

  it('an account set up by hand gets the quirks of the preset with the same host', () => {
    assert.deepEqual(quirksFor('', new URL('https://dyndns.inwx.com/nic/update')), { ipv6Alone: 'refuse' });
    assert.deepEqual(quirksFor(undefined, new URL('https://carol.selfhost.de/nic/update')), { noContentIsNochg: true });
    assert.deepEqual(quirksFor('', new URL('https://dyndns.example.net/nic/update')), {});
  });

  it('the notes tell what the runtime does with each quirk', () => {
    assert.match(findPreset('dynu').note, /myip=no/);
    assert.match(findPreset('inwx').note, /127\.0\.0\.1.*IPv6-only account/);
    assert.match(findPreset('selfhost').note, /204/);
    assert.match(findPreset('noip').note, /Contact/);
    assert.ok(!/leaves out myip/.test(findPreset('dynu').note), 'the old note said the opposite');
  });

  it('every preset names the source that confirmed it', () => {
    // the compiled module keeps comments: each entry must be preceded by one with a URL
    const text = fs.readFileSync(path.join(__dirname, '../../dist/providers/dyndns2/presets.js'), 'utf8');
    for (const preset of DYNDNS2_PRESETS) {
      const at = text.indexOf(`id: '${preset.id}'`);
      assert.ok(at > 0, preset.id);
      const before = text.slice(text.lastIndexOf('{', at), at);
      assert.match(before, /\/\/ .*https?:\/\//, `${preset.id} has no source comment`);
    }
  });
});
