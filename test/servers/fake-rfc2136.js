'use strict';
// A scriptable RFC 2136 server on loopback (UDP and TCP on one port) for what a
// real BIND will not do on demand: SERVFAIL, silence, truncated answers,
// unsigned or badly signed answers, answers to another id. It signs its
// answers with TSIG (RFC 8945 §4.3) by its own code, written independently of
// src/providers/rfc2136, so the tests do not check the verifier against itself.
//
// By default a query gets an authoritative NXDOMAIN (the name is new) and an
// update NOERROR, both signed. `script('update', ['servfail', 'noerror'])`
// sets what the next requests of one opcode get, in order:
//   noerror | servfail | refused | drop | truncate (UDP: TC answer; TCP: normal)
//   unsigned-first (an unsigned NOERROR, then a signed REFUSED: which one counts shows)
//   wrong-id-first (a signed REFUSED under another id, then the right answer)
//   bad-mac (only an answer whose MAC is wrong) | refused-unsigned
//   badsig (NOTAUTH with TSIG error BADSIG and no MAC, RFC 8945 §5.3.2)
const crypto = require('node:crypto');
const net = require('node:net');
const { bindUdp } = require('../support/udp-sockets');

const HASH = { 'hmac-sha256': 'sha256', 'hmac-sha512': 'sha512', 'hmac-sha1': 'sha1', 'hmac-md5.sig-alg.reg.int': 'md5', 'hmac-sha384': 'sha384', 'hmac-sha224': 'sha224' };
const OPCODES = { 0: 'query', 5: 'update' };

function skipName(buf, at) {
  for (;;) {
    const len = buf[at];
    if (len === 0) return at + 1;
    if ((len & 0xc0) === 0xc0) return at + 2;
    at += 1 + len;
  }
}

function readPlainName(buf, at) {
  const labels = [];
  while (buf[at] !== 0) {
    labels.push(buf.toString('latin1', at + 1, at + 1 + buf[at]).toLowerCase());
    at += 1 + buf[at];
  }
  return { name: labels.join('.'), next: at + 1 };
}

function wireName(name) {
  return Buffer.concat([...name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
}

function u16(n) {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** The parts of a request the answer needs: id, opcode, the question's bytes, the TSIG's key, algorithm and MAC. */
function parseRequest(buf) {
  const id = buf.readUInt16BE(0);
  const opcode = (buf.readUInt16BE(2) >> 11) & 0xf;
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  let at = 12;
  const questionEnd = skipName(buf, at) + 4;
  const question = buf.subarray(12, questionEnd);
  at = questionEnd;
  const records = counts[1] + counts[2] + counts[3];
  let tsig;
  for (let i = 0; i < records; i++) {
    const start = at;
    const owner = start;
    at = skipName(buf, at);
    const type = buf.readUInt16BE(at);
    const rdlen = buf.readUInt16BE(at + 8);
    const rdata = at + 10;
    if (type === 250) {
      const key = readPlainName(buf, owner).name;
      const alg = readPlainName(buf, rdata);
      const macSize = buf.readUInt16BE(alg.next + 8);
      tsig = { key, algorithm: alg.name, time: buf.readUIntBE(alg.next, 6), mac: buf.subarray(alg.next + 10, alg.next + 10 + macSize) };
    }
    at = rdata + rdlen;
  }
  return { id, opcode, question, tsig };
}

function sign(answer, request, key, { badMac = false } = {}) {
  const time = Math.floor(Date.now() / 1000);
  const timeBytes = Buffer.alloc(6);
  timeBytes.writeUIntBE(time, 0, 6);
  const algorithm = wireName(request.tsig.algorithm);
  const variables = Buffer.concat([wireName(key.name), u16(255), Buffer.alloc(4), algorithm, timeBytes, u16(300), u16(0), u16(0)]);
  const mac = crypto.createHmac(HASH[request.tsig.algorithm], key.secret).update(Buffer.concat([u16(request.tsig.mac.length), request.tsig.mac, answer, variables])).digest();
  if (badMac) mac[0] ^= 1;
  const rdata = Buffer.concat([algorithm, timeBytes, u16(300), u16(mac.length), mac, u16(answer.readUInt16BE(0)), u16(0), u16(0)]);
  const record = Buffer.concat([wireName(key.name), u16(250), u16(255), Buffer.alloc(4), u16(rdata.length), rdata]);
  const signed = Buffer.concat([answer, record]);
  signed.writeUInt16BE(answer.readUInt16BE(10) + 1, 10);
  return signed;
}

/**
 * An answer that carries a TSIG error and no MAC, as RFC 8945 §5.3.2 has a server
 * answer a request whose key it has but whose MAC does not verify (BADSIG, 16).
 */
function unsignedTsigError(answer, request, error) {
  const timeBytes = Buffer.alloc(6);
  timeBytes.writeUIntBE(Math.floor(Date.now() / 1000), 0, 6);
  const rdata = Buffer.concat([wireName(request.tsig.algorithm), timeBytes, u16(300), u16(0), u16(answer.readUInt16BE(0)), u16(error), u16(0)]);
  const record = Buffer.concat([wireName(request.tsig.key), u16(250), u16(255), Buffer.alloc(4), u16(rdata.length), rdata]);
  const out = Buffer.concat([answer, record]);
  out.writeUInt16BE(answer.readUInt16BE(10) + 1, 10);
  return out;
}

function answerFor(request, rcode, { truncated = false, id = request.id } = {}) {
  const flags = 0x8000 | (request.opcode << 11) | 0x0400 | (truncated ? 0x0200 : 0) | rcode;
  return Buffer.concat([u16(id), u16(flags), u16(1), u16(0), u16(0), u16(0), request.question]);
}

/** `keys`: {name: base64 secret} the server knows. */
async function start({ keys }) {
  const udp = await bindUdp('127.0.0.1', 0);
  const port = udp.address().port;
  const requests = [];
  const scripts = { query: [], update: [] };
  const sockets = new Set();

  /** Answers for one request: a list of packets to send, in order ([] = silence). */
  function respond(buf, transport) {
    const request = parseRequest(buf);
    const kind = OPCODES[request.opcode] ?? 'other';
    requests.push({ transport, opcode: kind, id: request.id });
    const step = (kind === 'update' || kind === 'query') && scripts[kind].length > 0 ? scripts[kind].shift() : 'default';
    const secret = request.tsig && keys[request.tsig.key];
    const key = { name: request.tsig?.key, secret: secret ? Buffer.from(secret, 'base64') : undefined };
    const normal = kind === 'query' ? 3 : 0;
    const signed = (rcode, options) => sign(answerFor(request, rcode, options), request, key, options);
    switch (step) {
      case 'drop':
        return [];
      case 'servfail':
        return [signed(2)];
      case 'refused':
        return [signed(5)];
      case 'refused-unsigned':
        return [answerFor(request, 5)];
      case 'truncate':
        return transport === 'udp' ? [answerFor(request, normal, { truncated: true })] : [signed(normal)];
      case 'unsigned-first':
        return [answerFor(request, 0), signed(5)];
      case 'wrong-id-first':
        return [signed(5, { id: (request.id + 1) & 0xffff }), signed(normal)];
      case 'bad-mac':
        return [signed(normal, { badMac: true })];
      case 'badsig':
        return [unsignedTsigError(answerFor(request, 9), request, 16)];
      default:
        return [signed(normal)];
    }
  }

  udp.on('message', (buf, from) => {
    for (const packet of respond(buf, 'udp')) udp.send(packet, from.port, from.address);
  });
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const size = pending.readUInt16BE(0);
        for (const packet of respond(pending.subarray(2, 2 + size), 'tcp')) socket.write(Buffer.concat([u16(packet.length), packet]));
        pending = pending.subarray(2 + size);
      }
    });
  });
  await new Promise((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', resolve);
  });
  return {
    port,
    server: `127.0.0.1:${port}`,
    requests,
    script(opcode, steps) {
      scripts[opcode].push(...steps);
    },
    reset() {
      requests.length = 0;
      scripts.query.length = 0;
      scripts.update.length = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => tcp.close(resolve));
      await new Promise((resolve) => udp.close(resolve));
    },
  };
}

module.exports = { start };
