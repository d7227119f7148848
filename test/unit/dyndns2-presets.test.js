'use strict';
// The provider presets offered by the dyndns2-account editor.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { DYNDNS2_PRESETS, findPreset, quirksFor } = require('../../dist/providers/dyndns2/presets');
const { normaliseServerUrl, validateDualStack, planRequests } = require('../../dist/providers/dyndns2/request');

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

  it('providers that are not DynDNS2, no longer exist or have no confirmed DynDNS2 endpoint are not offered', () => {
    const ids = DYNDNS2_PRESETS.map((p) => p.id);
    // LuaDNS: its documented API is REST/JSON (https://luadns.com/api.html); no LuaDNS page names /nic/update
    for (const absent of ['duckdns', 'google', 'luadns']) assert.ok(!ids.includes(absent), absent);
  });

  // What one update through each new or refined preset puts on the wire, quirks included:
  // [id, server, dualStack, ipv6, payload, queries of the requests]
  const wire = [
    // ddclient's nic_henet_update: one call per family, the address in myip
    ['he', 'https://dyn.dns.he.net/nic/update', 'separate', true, { ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
      ['hostname=home.example.com&myip=192.0.2.1', 'hostname=home.example.com&myip=2001:db8::1']],
    // Strato's FAQ (ddns-updater issue #116): myip=V4,V6
    ['strato', 'https://dyndns.strato.com/nic/update', 'combined', true, { ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
      ['hostname=home.example.com&myip=192.0.2.1,2001:db8::1']],
    // dynv6: "It can only be used to update the IPv4 address"
    ['dynv6', 'https://dynv6.com/nic/update', 'separate', false, { ipv4: '192.0.2.1' },
      ['hostname=home.example.com&myip=192.0.2.1']],
    // deSEC's update API: myipv4/myipv6 and preserve for the family not sent
    ['desec', 'https://update.dedyn.io/nic/update', 'myipv6', true, { ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
      ['hostname=home.example.com&myip=192.0.2.1&myipv6=2001:db8::1']],
    ['desec', 'https://update.dedyn.io/nic/update', 'myipv6', true, { ipv6: '2001:db8::1' },
      ['hostname=home.example.com&myipv6=2001:db8::1&myipv4=preserve']],
    ['desec', 'https://update.dedyn.io/nic/update', 'myipv6', true, { ipv4: '192.0.2.1' },
      ['hostname=home.example.com&myip=192.0.2.1&myipv6=preserve']],
    // inadyn's plugins/all-inkl.c: the same myip= request for each family
    ['allinkl', 'https://dyndns.kasserver.com/nic/update', 'separate', true, { ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
      ['hostname=home.example.com&myip=192.0.2.1', 'hostname=home.example.com&myip=2001:db8::1']],
    // ddclient's ddnss.de example: one stanza per family
    ['ddnss', 'https://ddnss.de/nic/update', 'separate', true, { ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
      ['hostname=home.example.com&myip=192.0.2.1', 'hostname=home.example.com&myip=2001:db8::1']],
    // FreeDNS's clients page: /nic/update?hostname=[DOMAIN]&myip=[IP] with the account login
    ['freedns', 'https://freedns.afraid.org/nic/update', 'separate', false, { ipv4: '192.0.2.1' },
      ['hostname=home.example.com&myip=192.0.2.1']],
  ];
  for (const [id, server, dualStack, ipv6, send, queries] of wire) {
    it(`${id}: ${server}, ${dualStack}; ${JSON.stringify(send)} goes as ${queries.join(' + ')}`, () => {
      const preset = findPreset(id);
      assert.ok(preset, id);
      assert.equal(preset.server, server);
      assert.equal(preset.dualStack, dualStack);
      assert.equal(preset.ipv6, ipv6);
      const base = normaliseServerUrl(preset.server);
      const planned = planRequests(base, preset.dualStack, [{ host: 'home.example.com', send }], {}, quirksFor(id, base));
      assert.deepEqual(planned.map((r) => `${r.url.origin}${r.url.pathname}`), queries.map(() => server));
      assert.deepEqual(planned.map((r) => r.url.search.slice(1)), queries);
    });
  }

  it('the notes say what goes in user name and password for the new presets', () => {
    assert.match(findPreset('he').note, /host name itself.*DDNS key.*one account per host name/);
    assert.match(findPreset('desec').note, /domain.*token.*preserve/);
    assert.match(findPreset('allinkl').note, /DDNS login.*KAS/);
    assert.match(findPreset('ddnss').note, /ddnss\.de account/);
    assert.match(findPreset('freedns').note, /FreeDNS account.*IPv4 updates only/);
    assert.match(findPreset('dynv6').note, /HTTP token/);
    assert.match(findPreset('strato').note, /domain of your package/);
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
    ['desec', { absentFamily: 'preserve' }],
    ['allinkl', {}],
    ['ddnss', {}],
    ['freedns', {}],
    ['he', {}],
  ];
  for (const [id, expected] of quirks) {
    it(`${id}: quirks ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(quirksFor(id, new URL('http://127.0.0.1:1/nic/update')), expected);
    });
  }

  it('an account set up by hand gets the quirks of the preset with the same host', () => {
    assert.deepEqual(quirksFor('', new URL('https://dyndns.inwx.com/nic/update')), { ipv6Alone: 'refuse' });
    assert.deepEqual(quirksFor(undefined, new URL('https://carol.selfhost.de/nic/update')), { noContentIsNochg: true });
    assert.deepEqual(quirksFor('', new URL('https://update.dedyn.io/update')), { absentFamily: 'preserve' });
    assert.deepEqual(quirksFor('', new URL('https://dyndns.example.net/nic/update')), {});
  });

  it('the notes tell what the runtime does with each quirk', () => {
    assert.match(findPreset('dynu').note, /myip=no/);
    assert.match(findPreset('inwx').note, /127\.0\.0\.1.*IPv6-only account/);
    assert.match(findPreset('selfhost').note, /204/);
    assert.match(findPreset('noip').note, /Contact/);
    assert.ok(!/leaves out myip/.test(findPreset('dynu').note), 'the old note said the opposite');
  });

  // the editor shows the catalog's note in its language and falls back to the runtime's English one
  it('every preset has its note in both catalogs; the English one is the runtime\'s', () => {
    for (const lang of ['en-US', 'zh-CN']) {
      const file = path.join(__dirname, `../../nodes/locales/${lang}/dyndns2-account.json`);
      const notes = JSON.parse(fs.readFileSync(file, 'utf8'))['dyndns2-account'].presetNotes;
      for (const preset of DYNDNS2_PRESETS) {
        assert.ok(typeof notes[preset.id] === 'string' && notes[preset.id].length > 0, `${lang} ${preset.id}`);
        if (lang === 'en-US') assert.equal(notes[preset.id], preset.note, preset.id);
      }
    }
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
