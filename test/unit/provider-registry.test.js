'use strict';
// The registry (src/providers/registry.ts) is the one list of providers: the
// package's node list, the generated node files, the conformance kits, the
// docs and README's provider table must all follow it, so a provider added in
// one place and forgotten in another fails here, not on a user's palette.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const { PROVIDER_KINDS, HAND_WRITTEN, providerDescriptor } = require('../../dist/providers/registry');
const manifest = require('../../package.json');
const kits = require('../conformance/kits');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('provider registry', () => {
  const nodes = manifest['node-red'].nodes;
  const allKinds = [...HAND_WRITTEN.map((p) => p.kind), ...PROVIDER_KINDS];

  it('package.json lists one generated node file per descriptor provider, and the hand-written pairs', () => {
    for (const kind of PROVIDER_KINDS) assert.equal(nodes[kind], `dist/nodes/${kind}.js`, `package.json node-red.nodes.${kind}`);
    for (const p of HAND_WRITTEN) {
      assert.equal(nodes[p.account], `dist/nodes/${p.account}.js`);
      assert.equal(nodes[p.updater], `dist/nodes/${p.updater}.js`);
    }
    const known = new Set(['ip-source', ...PROVIDER_KINDS, ...HAND_WRITTEN.flatMap((p) => [p.account, p.updater])]);
    assert.deepEqual(Object.keys(nodes).filter((n) => !known.has(n)), [], 'a node in package.json that no registry entry knows');
    assert.ok(manifest.files.includes('resources/'), 'the editor toolkit ships');
  });

  it('every descriptor is complete: both languages for every text, credentials, a provider factory', () => {
    for (const kind of PROVIDER_KINDS) {
      const d = providerDescriptor(kind);
      assert.equal(d.kind, kind);
      const texts = [d.summary, ...d.account.credentials.flatMap((f) => [f.label, f.help]), ...(d.account.settings ?? []).flatMap((f) => [f.label, f.help]), ...(d.updater.settings ?? []).flatMap((f) => [f.label, f.help])];
      for (const t of texts) {
        assert.ok(t['en-US'] && t['zh-CN'], `${kind}: a text without both languages: ${JSON.stringify(t)}`);
        // a proper name (SecretId, API token of one word) may read the same in both; a sentence may not
        if (/\s/.test(t['en-US'].replace(/<[^>]*>/g, '').trim())) assert.notEqual(t['en-US'], t['zh-CN'], `${kind}: an untranslated text: ${t['en-US']}`);
      }
      assert.ok(d.account.credentials.length > 0, `${kind} has credentials`);
      assert.equal(typeof d.updater.provider, 'function');
    }
  });

  it('the build generated each provider\'s node file, dialogs and both catalogs', () => {
    for (const kind of PROVIDER_KINDS) {
      for (const file of [`${kind}.js`, `${kind}.html`, `locales/en-US/${kind}.json`, `locales/zh-CN/${kind}.json`, `locales/en-US/${kind}.html`, `locales/zh-CN/${kind}.html`]) {
        assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', file)), `dist/nodes/${file}`);
      }
      const html = fs.readFileSync(path.join(root, 'dist', 'nodes', `${kind}.html`), 'utf8');
      assert.match(html, new RegExp(`data-template-name="${kind}-account"`));
      assert.match(html, new RegExp(`data-template-name="${kind}-ddns"`));
    }
    assert.ok(fs.existsSync(path.join(root, 'resources', 'ddns-rules.js')), 'the editor rules were generated');
  });

  it('every provider has a conformance kit, a docs page and a row in README\'s provider table', () => {
    const kitKinds = kits.map((k) => k.kind);
    for (const kind of allKinds) {
      assert.ok(kitKinds.includes(kind), `test/conformance/kits has no kit for ${kind}`);
      assert.ok(fs.existsSync(path.join(root, 'docs', 'providers', `${kind}.md`)), `docs/providers/${kind}.md`);
      assert.ok(readme.includes(`(docs/providers/${kind}.md)`), `README links docs/providers/${kind}.md`);
    }
  });

  it('every descriptor provider has an example flow that uses its nodes', () => {
    const examples = fs.readdirSync(path.join(root, 'examples')).map((f) => fs.readFileSync(path.join(root, 'examples', f), 'utf8'));
    for (const kind of PROVIDER_KINDS) assert.ok(examples.some((text) => text.includes(`"${kind}-ddns"`)), `an example uses ${kind}-ddns`);
  });
});
