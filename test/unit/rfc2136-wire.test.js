'use strict';
// The RFC 2136 encoder and TSIG against known vectors: messages BIND's nsupdate
// sent and BIND's named answered (test/fixtures/rfc2136/nsupdate.json, made by
// capture.js beside it). With the id and time nsupdate used, our messages must
// be the same bytes, MAC included; named's answers must verify with our code,
// and fail to once a byte is changed. Then the decoder on hostile input.
const assert = require('node:assert/strict');
const fixtures = require('../fixtures/rfc2136/nsupdate.json');
const { buildUpdate, buildQuery } = require('../../dist/providers/rfc2136/messages');
const { signMessage, verifyAnswer, findTsig, decodeSecret, TSIG_ALGORITHMS } = require('../../dist/providers/rfc2136/tsig');
const { decodeMessage, readName, MessageWriter, addressOf } = require('../../dist/providers/rfc2136/wire');
const { judge } = require('../../dist/providers/rfc2136/client');

const SOA = 6;

function keyOf(c) {
  return { name: c.key.name, algorithm: c.key.algorithm, secret: decodeSecret(c.key.secret) };
}

/** What the request said about itself: id, TSIG time, and for a query its question. */
function recorded(hex) {
  const message = decodeMessage(Buffer.from(hex, 'hex'));
  const tsig = findTsig(message);
  return { message, id: message.id, time: tsig.timeSigned, mac: tsig.mac };
}

describe('rfc2136 messages and TSIG against nsupdate and named (fixtures)', () => {
  it('the fixtures cover every algorithm, zone discovery, dual stack and the refusals', () => {
    const algorithms = new Set(fixtures.cases.map((c) => c.key.algorithm));
    assert.deepEqual([...algorithms].sort(), Object.keys(TSIG_ALGORITHMS).sort());
    assert.ok(fixtures.cases.every((c) => c.messages.length > 0 && c.messages.every((m) => m.answer)), 'every message was answered');
  });

  for (const c of fixtures.cases) {
    describe(c.id, () => {
      const key = keyOf(c);
      for (const [i, m] of c.messages.entries()) {
        const sent = recorded(m.request);
        const isQuery = sent.message.opcode === 0;
        it(`${isQuery ? 'SOA query' : 'UPDATE'} ${i + 1}: same bytes and MAC as nsupdate`, () => {
          const unsigned = isQuery ? buildQuery(sent.id, sent.message.questions[0].name, SOA) : buildUpdate(sent.id, c.zone, c.replacements);
          const ours = signMessage(unsigned, key, sent.time);
          assert.equal(ours.packet.toString('hex'), m.request);
          assert.equal(ours.mac.toString('hex'), sent.mac.toString('hex'));
        });

        it(`answer ${i + 1}: verified as named signed it, refused once changed`, () => {
          const answer = decodeMessage(Buffer.from(m.answer, 'hex'));
          const verdict = verifyAnswer(answer, key, sent.mac, sent.time);
          if (c.id === 'badkey' || c.id === 'badsig') {
            // RFC 8945 §5.3.2: these come without a MAC
            assert.equal(verdict.kind, 'unsigned-error');
            assert.equal(verdict.tsig.error, c.id === 'badkey' ? 17 : 16);
            assert.equal(answer.rcode, 9);
            return;
          }
          assert.equal(verdict.kind, 'verified', verdict.reason);
          assert.equal(answer.rcode, { refused: 5 }[c.id] ?? (isQuery ? 3 : 0));
          // another request's MAC: the answer does not belong to it
          assert.equal(verifyAnswer(answer, key, Buffer.alloc(sent.mac.length), sent.time).kind, 'invalid');
          // every byte before the TSIG record is covered
          const bytes = Buffer.from(m.answer, 'hex');
          for (const at of [2, 3, 12, findTsig(answer).rr.start - 1]) {
            const changed = Buffer.from(bytes);
            changed[at] ^= 0x20;
            let kind;
            try {
              kind = verifyAnswer(decodeMessage(changed), key, sent.mac, sent.time).kind;
            } catch {
              kind = 'undecodable';
            }
            assert.notEqual(kind, 'verified', `byte ${at} changed`);
          }
          // a wrong secret does not verify either
          assert.equal(verifyAnswer(answer, { ...key, secret: Buffer.from('other') }, sent.mac, sent.time).kind, 'invalid');
        });
      }
    });
  }

  it('the zone discovery answer names the zone in its authority section (compressed owner)', () => {
    const c = fixtures.cases.find((x) => x.id === 'sha512-zone-discovery-two-aaaa');
    const answer = decodeMessage(Buffer.from(c.messages[0].answer, 'hex'));
    assert.equal(answer.questions[0].name, 'a.example.test');
    assert.deepEqual(answer.authorities.map((rr) => [rr.name, rr.type]), [['example.test', SOA]]);
    assert.equal(answer.authoritative, true);
  });

  it('judge: an answer to another id or question is passed over; a signed one is taken', () => {
    const c = fixtures.cases.find((x) => x.id === 'sha256-one-a');
    const key = keyOf(c);
    const sent = recorded(c.messages[0].request);
    const packet = Buffer.from(c.messages[0].answer, 'hex');
    const expected = { opcode: 5, name: 'example.test', type: SOA };
    assert.equal(judge(packet, expected, sent.id, key, sent.mac, sent.time).kind, 'answer');
    assert.deepEqual(judge(packet, expected, (sent.id + 1) & 0xffff, key, sent.mac, sent.time), { kind: 'ignore' });
    assert.deepEqual(judge(packet, { ...expected, name: 'example.org' }, sent.id, key, sent.mac, sent.time), { kind: 'ignore' });
    // the same answer with its TSIG record cut off: an unsigned NOERROR is never taken for success
    const answer = decodeMessage(packet);
    const unsigned = Buffer.from(packet.subarray(0, findTsig(answer).rr.start));
    unsigned.writeUInt16BE(0, 10);
    assert.equal(judge(unsigned, expected, sent.id, key, sent.mac, sent.time).kind, 'ignore');
    // an unsigned error is taken, marked unsigned
    unsigned[3] = (unsigned[3] & 0xf0) | 5;
    const refused = judge(unsigned, expected, sent.id, key, sent.mac, sent.time);
    assert.equal(refused.kind, 'answer');
    assert.equal(refused.value.signed, false);
    // a signed answer whose time is off by more than the fudge: a clock problem
    const late = judge(packet, expected, sent.id, key, sent.mac, sent.time + 301);
    assert.equal(late.value.clockOffsetSeconds, -301);
  });
});

describe('rfc2136 wire codec', () => {
  it('compresses names against earlier ones, as BIND does', () => {
    const w = new MessageWriter();
    w.name('example.test').name('home.example.test').name('home.example.test').name('other.test');
    const bytes = w.finish().toString('hex');
    // example.test at 0; "home" + pointer to 0; pointer to 14; "other" + pointer to "test" at 8
    assert.equal(bytes, '076578616d706c65047465737400' + '04686f6d65c000' + 'c00e' + '056f74686572c008');
  });

  it('grows up to the largest DNS message, and refuses to go beyond (ECONFIG)', () => {
    const w = new MessageWriter();
    w.bytes(Buffer.alloc(65000, 1)).u16(0xabcd);
    assert.equal(w.finish().length, 65002);
    assert.throws(() => w.bytes(Buffer.alloc(600)), (err) => err.code === 'ECONFIG');
  });

  it('reads what it wrote, and A/AAAA data in canonical form', () => {
    const update = buildUpdate(0x1234, 'example.test', [
      { name: 'a.example.test', type: 'A', value: '192.0.2.1', ttl: 60 },
      { name: 'a.example.test', type: 'AAAA', value: '2001:db8:0:0:0:0:0:1', ttl: 60 },
    ]);
    const message = decodeMessage(update);
    assert.equal(message.id, 0x1234);
    assert.equal(message.opcode, 5);
    assert.deepEqual(message.questions, [{ name: 'example.test', type: SOA, cls: 1 }]);
    // RFC 2136 §2.5.2 / §2.5.1: delete (class ANY, TTL 0, no data), then add, per type
    assert.deepEqual(message.authorities.map((rr) => [rr.name, rr.type, rr.cls, rr.ttl, rr.rdataLength]), [
      ['a.example.test', 1, 255, 0, 0],
      ['a.example.test', 1, 1, 60, 4],
      ['a.example.test', 28, 255, 0, 0],
      ['a.example.test', 28, 1, 60, 16],
    ]);
    assert.equal(addressOf(update, message.authorities[1]), '192.0.2.1');
    assert.equal(addressOf(update, message.authorities[3]), '2001:db8::1');
  });

  const hostile = [
    ['shorter than a header', Buffer.alloc(5)],
    ['a question past the end', Buffer.from('000081000001000000000000' + '03616263', 'hex')],
    ['a pointer to itself', Buffer.from('000081000001000000000000' + 'c00c00060001', 'hex')],
    ['a pointer forwards', Buffer.from('000081000001000000000000' + 'c01000060001' + '00', 'hex')],
    ['an unknown label type', Buffer.from('000081000001000000000000' + '4000060001', 'hex')],
    ['record data past the end', Buffer.from('000081000000000100000000' + '0000010001000000000010' + '0102', 'hex')],
  ];
  for (const [what, packet] of hostile) {
    it(`refuses ${what} with EBADRESPONSE`, () => {
      assert.throws(() => decodeMessage(packet), (err) => err.code === 'EBADRESPONSE');
    });
  }

  it('refuses names longer than 255 octets', () => {
    const labels = Array.from({ length: 5 }, () => '3f' + '61'.repeat(63)).join('');
    const packet = Buffer.from('000081000001000000000000' + labels + '00' + '00060001', 'hex');
    assert.throws(() => readName(packet, 12), (err) => err.code === 'EBADRESPONSE');
  });
});
