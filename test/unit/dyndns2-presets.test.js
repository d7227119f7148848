'use strict';
// The provider presets offered by the dyndns2-account editor.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { DYNDNS2_PRESETS, findPreset } = require('../../dist/providers/dyndns2/presets');
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
