'use strict';
// core/dns-tcp.ts: one DNS message over TCP (RFC 7766), against a server on
// loopback that writes its answer one byte at a time. Issue 22.9: the reader
// joined all it had on every chunk, so a dripping server cost quadratic work
// (2.3 to 4.5 s of CPU). The work is counted here, not timed: every
// Buffer.concat call and the bytes it copies while the answer comes in.
const assert = require('node:assert/strict');
const net = require('node:net');
const { tcpExchange } = require('../../dist/core/dns-tcp');
const { encodeQuery, answersTo } = require('../../dist/sources/dns-wire');

const RECORDS = 1024; // 16 bytes each (compressed name, type, class, TTL, length, address): a 16 KiB answer

/** An answer to `query` with RECORDS A records for its name, 10.0.x.y. */
function bigAnswer(query) {
  const question = query.packet.subarray(12);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  header.writeUInt16BE(0x8180, 2); // QR, RD, RA, NOERROR
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(RECORDS, 6);
  const records = Buffer.alloc(RECORDS * 16);
  for (let i = 0; i < RECORDS; i++) {
    const at = i * 16;
    records.writeUInt16BE(0xc00c, at); // the question's name
    records.writeUInt16BE(1, at + 2); // A
    records.writeUInt16BE(1, at + 4); // IN
    records.writeUInt32BE(60, at + 6);
    records.writeUInt16BE(4, at + 10);
    records[at + 12] = 10;
    records[at + 13] = 0;
    records[at + 14] = i >> 8;
    records[at + 15] = i & 0xff;
  }
  return Buffer.concat([header, question, records]);
}

/** A server that answers one framed query with `reply(packet)`, one byte per write, each write a turn of the loop later. */
function drippingServer(reply) {
  const stats = { writes: 0 };
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    // gathered without Buffer.concat, which the test counts for the client alone
    const got = Buffer.alloc(514);
    let size = 0;
    socket.on('data', (chunk) => {
      size += chunk.copy(got, size);
      if (size < 2 || size < 2 + got.readUInt16BE(0)) return;
      const answer = reply(got.subarray(2, 2 + got.readUInt16BE(0)));
      const framed = Buffer.alloc(2 + answer.length);
      framed.writeUInt16BE(answer.length, 0);
      answer.copy(framed, 2);
      let at = 0;
      const next = () => {
        if (at >= framed.length || socket.destroyed) return;
        socket.write(framed.subarray(at, at + 1));
        at++;
        stats.writes++;
        setImmediate(next);
      };
      next();
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, stats, port: server.address().port })));
}

/** Counts Buffer.concat calls and the bytes they return while `run` is pending. */
async function countingConcat(run) {
  const original = Buffer.concat;
  const count = { calls: 0, bytes: 0 };
  Buffer.concat = function (...args) {
    const joined = original.apply(this, args);
    count.calls++;
    count.bytes += joined.length;
    return joined;
  };
  try {
    return { value: await run(), count };
  } finally {
    Buffer.concat = original;
  }
}

describe('core/dns-tcp: an answer dripped one byte per write', function () {
  this.timeout(20000);
  let fixture;
  let query;
  let expected;
  before(async () => {
    query = encodeQuery({ name: 'drip.example', type: 'A', dnsClass: 'IN' });
    expected = bigAnswer(query);
    fixture = await drippingServer(() => expected);
  });
  after(() => new Promise((resolve) => fixture.server.close(resolve)));

  it('reads the whole 16 KiB answer, joining its chunks once (linear work, issue 22.9)', async () => {
    const { value: packet, count } = await countingConcat(() =>
      tcpExchange({
        target: { address: '127.0.0.1', family: 4, port: fixture.port },
        packet: query.packet,
        signal: new AbortController().signal,
        timeoutMs: 15000,
      }),
    );
    assert.equal(fixture.stats.writes, 2 + expected.length, 'the server wrote every byte on its own');
    assert.ok(packet.equals(expected), 'the answer arrives intact, without its length prefix');
    const answer = answersTo(query, packet);
    assert.equal(answer.texts.length, RECORDS);
    assert.equal(answer.texts[0], '10.0.0.0');
    assert.equal(answer.texts[RECORDS - 1], '10.0.3.255');
    assert.ok(count.calls <= 1, `Buffer.concat called ${count.calls} times`);
    assert.ok(count.bytes <= 2 + expected.length, `${count.bytes} bytes copied by Buffer.concat`);
  });
});
