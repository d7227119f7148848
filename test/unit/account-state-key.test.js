'use strict';
// The key of the account identity (issue 22.1, DESIGN.md security rules): "the
// account identity's key is one that instances sharing project files share
// (derived from Node-RED's credential secret, or `ddns.stateKey` in
// settings.js), so several instances on one Redis-backed context store share
// their records' state" — and one a context reader cannot fetch.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');

const account = require(path.join(__dirname, '..', '..', 'dist', 'nodes', 'shared', 'account.js'));
const { StateCache } = require(path.join(__dirname, '..', '..', 'dist', 'core', 'state-cache.js'));
const { MemoryStateStore, saveState } = require(path.join(__dirname, '..', '..', 'dist', 'core', 'state.js'));

/** Node-RED's settings as a node sees them: settings.js properties, and get() for the runtime's own (.config.runtime.json). */
function settings(local, runtime = {}) {
  const saved = {};
  return {
    ...local,
    get(name) {
      if (name in local) return local[name];
      return runtime[name];
    },
    set(name, value) {
      saved[name] = value;
      runtime[name] = value;
      return Promise.resolve();
    },
    saved,
  };
}

const LOGIN = ['https://dyn.example', 'user', 'password'];
const identity = (s) => account.loginIdentity(account.stateKeys(s).key, LOGIN);

describe('the account identity key', () => {
  it('two instances with the same credentialSecret in settings.js get the same key, whatever their runtime files hold', () => {
    const a = settings({ credentialSecret: 'shared-secret-1' }, { ddnsStateKey: 'a'.repeat(64) });
    const b = settings({ credentialSecret: 'shared-secret-1' }, { ddnsStateKey: 'b'.repeat(64) });
    assert.equal(account.stateKeys(a).key, account.stateKeys(b).key);
    assert.equal(identity(a), identity(b));
  });

  it('different credential secrets give different keys and different tags for the same login', () => {
    const a = settings({ credentialSecret: 'secret-one' });
    const b = settings({ credentialSecret: 'secret-two' });
    assert.notEqual(account.stateKeys(a).key, account.stateKeys(b).key);
    assert.notEqual(identity(a), identity(b));
  });

  it('the runtime-generated _credentialSecret counts when settings.js sets none', () => {
    const a = settings({}, { _credentialSecret: 'generated-0f3a' });
    const b = settings({}, { _credentialSecret: 'generated-0f3a' });
    const c = settings({}, { _credentialSecret: 'generated-77c1' });
    assert.equal(account.stateKeys(a).key, account.stateKeys(b).key);
    assert.notEqual(account.stateKeys(a).key, account.stateKeys(c).key);
  });

  it('ddns.stateKey in settings.js wins over the credential secret', () => {
    const a = settings({ credentialSecret: 'secret-one', ddns: { stateKey: 'cluster-key-9d2e' } });
    const b = settings({ credentialSecret: 'secret-two', ddns: { stateKey: 'cluster-key-9d2e' } });
    assert.equal(account.stateKeys(a).key, account.stateKeys(b).key);
    assert.equal(account.sharedStateSecret(a).source, 'stateKey');
  });

  it('is derived through its own label, never the secret itself', () => {
    const key = account.stateKeys(settings({ credentialSecret: 'shared-secret-1' })).key;
    assert.equal(key, crypto.createHmac('sha256', 'shared-secret-1').update('node-red-contrib-ddns/state-key/v1').digest('hex'));
    assert.notEqual(key, 'shared-secret-1');
    assert.notEqual(key, crypto.createHash('sha256').update('shared-secret-1').digest('hex'), 'not the key Node-RED encrypts credentials with');
  });

  it('credentialSecret false: no shared secret (the generated one is being dropped), a key of this instance kept in its runtime settings', () => {
    const off = settings({ credentialSecret: false }, { _credentialSecret: 'generated-0f3a' });
    assert.equal(account.sharedStateSecret(off), undefined);
    const { key } = account.stateKeys(off);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.notEqual(key, account.deriveStateKey('generated-0f3a'));
  });

  it('an instance key stored by an earlier version is named as the former key, so its state is taken over', () => {
    const stored = 'c'.repeat(64);
    const keys = account.stateKeys(settings({ credentialSecret: 'shared-secret-1' }, { ddnsStateKey: stored }));
    assert.equal(keys.former, stored);
    assert.equal(account.stateKeys(settings({ credentialSecret: 'shared-secret-1' })).former, undefined);
  });

  it('settings that cannot be read (a test runtime) still give a key', () => {
    const broken = { get() { throw new Error('settings not available'); }, set() { throw new Error('no'); } };
    assert.match(account.stateKeys(broken).key, /^[0-9a-f]{64}$/);
  });

  it('an upgrade takes over the state tagged under the former key once and saves it under the new one; another tag starts clean', async () => {
    const store = new MemoryStateStore();
    const state = { hosts: { 'home.example.com': { ipv4: '192.0.2.1', blockedCode: 'nohost' } } };
    await saveState(store, 'dyndns2', 'former-tag', state);
    const upgraded = new StateCache(store, 'dyndns2', 'new-tag', (raw) => raw, 'former-tag');
    assert.deepEqual(await upgraded.load(), state);
    await upgraded.save(await upgraded.load());
    assert.equal((await store.get('dyndns2')).fingerprint, 'new-tag', 'saved under the new tag even though nothing changed');
    assert.equal(await new StateCache(store, 'dyndns2', 'other-tag', (raw) => raw, 'former-tag').load(), undefined);
  });
});
