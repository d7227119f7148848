'use strict';
// Runtime texts through RED._: each text is asked of the catalog once per key
// and values, so an unchanged check (same status words) costs no translation.
const assert = require('node:assert/strict');
const { sharedTexts } = require('../../dist/nodes/shared/texts');

function countingRed() {
  const calls = [];
  return {
    calls,
    RED: {
      _: (key, vars) => {
        calls.push(key);
        return vars ? `${key.split('.').pop()}: ${Object.values(vars).join(' ')}` : key.split('.').pop();
      },
    },
  };
}

describe('shared runtime texts', () => {
  it('asks the catalog once for the same key and values, again when a value changes', () => {
    const { RED, calls } = countingRed();
    const t = sharedTexts(RED);
    assert.equal(t('status.in-sync', { values: '203.0.113.5', time: '10:00:00' }), 'in-sync: 203.0.113.5 10:00:00');
    assert.equal(t('status.in-sync', { values: '203.0.113.5', time: '10:00:00' }), 'in-sync: 203.0.113.5 10:00:00');
    assert.equal(calls.length, 1);
    assert.equal(t('status.in-sync', { values: '203.0.113.6', time: '10:00:00' }), 'in-sync: 203.0.113.6 10:00:00');
    assert.equal(t('status.updating'), 'updating');
    assert.equal(t('status.updating'), 'updating');
    assert.equal(calls.length, 3);
  });

  it('values that would run together as text are told apart (a number and its string, an empty value)', () => {
    const { RED, calls } = countingRed();
    const t = sharedTexts(RED);
    t('k', { a: 1 });
    t('k', { a: '1' });
    t('k', { a: '', b: 'x' });
    t('k', { a: 'x', b: '' });
    assert.equal(calls.length, 4);
  });

  it('stays bounded and correct when values keep coming (a time in every text)', () => {
    const { RED } = countingRed();
    const t = sharedTexts(RED);
    for (let i = 0; i < 2000; i++) assert.equal(t('status.retrying', { time: String(i) }), `retrying: ${i}`);
    assert.equal(t('status.retrying', { time: '7' }), 'retrying: 7');
  });
});
