'use strict';
// The per-record ledger (src/core/ledger.ts) as the providers that moved onto
// it use it: a refusal held by every record of a node, lifted per name, a
// pause stored while the clock was ahead cut back to its length.
const assert = require('node:assert/strict');
const { cutPause, emptyLedger, entryOf, forgetSeen, heldBy, holdRecords, unblockLedger, LONGEST_PAUSE_MS } = require('../../dist/core/ledger');

describe('record ledger: holds, Clear block, pauses', () => {
  it('holdRecords keeps a hold on each name in each type once', () => {
    const ledger = emptyLedger();
    entryOf(ledger, 'a.example.com', 'A').wanted = '192.0.2.1';
    let calls = 0;
    holdRecords(ledger, ['a.example.com', 'B.example.com'], ['A', 'AAAA', 'A'], (entry) => {
      calls++;
      entry.block = { code: '9109', at: 1 };
    });
    assert.equal(calls, 4);
    assert.deepEqual(Object.keys(ledger.records).sort(), ['a.example.com/A', 'a.example.com/AAAA', 'b.example.com/A', 'b.example.com/AAAA']);
  });

  it('heldBy: a block or a running pause on any record of a name holds its other types; an ended pause holds nothing', () => {
    const ledger = emptyLedger();
    entryOf(ledger, 'a.example.com', 'A').block = { code: 'BADKEY', at: 1 };
    entryOf(ledger, 'b.example.com', 'AAAA').pause = { until: 100, ms: 50, code: '971' };
    assert.equal(heldBy(ledger, 'a.example.com', ['AAAA', 'A'], 10).block.code, 'BADKEY');
    assert.equal(heldBy(ledger, 'A.example.com', ['AAAA'], 10).block, undefined, 'only the types asked about');
    assert.equal(heldBy(ledger, 'b.example.com', ['A', 'AAAA'], 99).pause.code, '971');
    assert.deepEqual(heldBy(ledger, 'b.example.com', ['A', 'AAAA'], 100), {});
  });

  it('Clear block lifts the block and pause of one name in every type; an entry left holding nothing goes', () => {
    const ledger = emptyLedger();
    holdRecords(ledger, ['a.example.com', 'b.example.com'], ['A', 'AAAA'], (entry) => (entry.block = { code: 'BADKEY', at: 1 }));
    entryOf(ledger, 'a.example.com', 'A').value = '192.0.2.1';
    entryOf(ledger, 'a.example.com', 'A').pause = { until: 10, ms: 10, code: '971' };
    const lifted = unblockLedger(ledger, 'A.example.com');
    assert.deepEqual(lifted.records['a.example.com/A'], { name: 'a.example.com', type: 'A', value: '192.0.2.1' });
    assert.equal(lifted.records['a.example.com/AAAA'], undefined, 'only the block was in it');
    assert.equal(lifted.records['b.example.com/A'].block.code, 'BADKEY', 'another name stays blocked');
    assert.equal(ledger.records['a.example.com/A'].block.code, 'BADKEY', 'the given ledger is not changed');
  });

  it('a pause further ahead than its length (the clock was ahead) ends its length from now; a sound one is kept', () => {
    const now = 1_000_000;
    const entry = { name: 'a.example.com', type: 'A', pause: { until: now + 10 * LONGEST_PAUSE_MS, ms: 60_000, code: '971' } };
    assert.equal(cutPause(entry, now), true);
    assert.equal(entry.pause.until, now + 60_000);
    assert.equal(cutPause(entry, now), false);
    assert.equal(entry.pause.until, now + 60_000);
    assert.equal(cutPause({ name: 'a.example.com', type: 'A' }, now), false);
  });

  it('forgetSeen drops what was seen, keeps what is wanted and the block', () => {
    const entry = { name: 'a.example.com', type: 'A', value: '192.0.2.1', id: '7', verifiedAt: 5, wanted: '192.0.2.2', block: { code: 'x', at: 1 } };
    forgetSeen(entry);
    assert.deepEqual(entry, { name: 'a.example.com', type: 'A', wanted: '192.0.2.2', block: { code: 'x', at: 1 } });
  });
});
