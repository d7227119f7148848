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
//
// It checks a request's TSIG as a server must (RFC 8945 §5.2): an unknown key
// gets NOTAUTH with TSIG error BADKEY, a MAC that does not verify NOTAUTH with
// BADSIG, both unsigned (§5.3.2). An UPDATE it answers NOERROR is applied to
// the A/AAAA RRsets it holds (`held(name, type)`), and a query is answered
// from them: the records, NODATA, or NXDOMAIN for a name it holds nothing at.
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

/** A name that may end in a compression pointer (RFC 1035 §4.1.4), lower case, without the root dot. */
function readName(buf, at) {
  const labels = [];
  let next;
  for (let hops = 0; hops < 64; hops++) {
    const len = buf[at];
    if (len === 0) return { name: labels.join('.'), next: next ?? at + 1 };
    if ((len & 0xc0) === 0xc0) {
      next ??= at + 2;
      at = buf.readUInt16BE(at) & 0x3fff;
      continue;
    }
    labels.push(buf.toString('latin1', at + 1, at + 1 + len).toLowerCase());
    at += 1 + len;
  }
  throw new Error('fake-rfc2136: name loop');
}

const TYPE_NAMES = { 1: 'A', 28: 'AAAA' };
const TYPE_CODES = { A: 1, AAAA: 28 };

function addressText(type, rdata) {
  if (type === 'A') return [...rdata].join('.');
  const words = [];
  for (let i = 0; i < 16; i += 2) words.push(rdata.readUInt16BE(i).toString(16));
  // the short RFC 5952 form, as tests write addresses
  return new URL(`http://[${words.join(':')}]`).hostname.slice(1, -1);
}

function addressRdata(type, value) {
  if (type === 'A') return Buffer.from(value.split('.').map(Number));
  const url = new URL(`http://[${value}]`).hostname.slice(1, -1);
  const [head, tail = ''] = url.includes('::') ? url.split('::') : [url, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const words = url.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return Buffer.concat(words.map((w) => u16(parseInt(w, 16))));
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
  // the question: the zone of an UPDATE, the name and type of a query
  const asked = { name: readName(buf, 12).name, type: TYPE_NAMES[buf.readUInt16BE(questionEnd - 4)] };
  const changes = [];
  for (let i = 0; i < records; i++) {
    const start = at;
    const owner = start;
    at = skipName(buf, at);
    const type = buf.readUInt16BE(at);
    const klass = buf.readUInt16BE(at + 2);
    const rdlen = buf.readUInt16BE(at + 8);
    const rdata = at + 10;
    if (type === 250) {
      const key = readPlainName(buf, owner).name;
      const alg = readPlainName(buf, rdata);
      const macSize = buf.readUInt16BE(alg.next + 8);
      const after = alg.next + 10 + macSize;
      tsig = {
        key,
        algorithm: alg.name,
        time: buf.readUIntBE(alg.next, 6),
        timeBytes: buf.subarray(alg.next, alg.next + 6),
        fudge: buf.subarray(alg.next + 6, alg.next + 8),
        mac: buf.subarray(alg.next + 10, after),
        originalId: buf.readUInt16BE(after),
        // error, other len, other data
        tail: buf.subarray(after + 2, rdata + rdlen),
        start,
      };
    } else if (i >= counts[1] && i < counts[1] + counts[2]) {
      changes.push({ name: readName(buf, owner).name, type, klass, rdata: buf.subarray(rdata, rdata + rdlen) });
    }
    at = rdata + rdlen;
  }
  return { id, opcode, question, asked, changes, tsig, raw: buf };
}

/** The request's MAC as its key computes it (RFC 8945 §4.3.3), to compare with the one it carries. */
function requestMac(request, secret) {
  const { raw, tsig } = request;
  const message = Buffer.from(raw.subarray(0, tsig.start));
  message.writeUInt16BE(tsig.originalId, 0);
  message.writeUInt16BE(message.readUInt16BE(10) - 1, 10);
  const variables = Buffer.concat([wireName(tsig.key), u16(255), Buffer.alloc(4), wireName(tsig.algorithm), tsig.timeBytes, tsig.fudge, tsig.tail]);
  return crypto.createHmac(HASH[tsig.algorithm], secret).update(Buffer.concat([message, variables])).digest();
}

/** NOTAUTH with a TSIG error and no MAC: what a server says when it cannot verify a request (RFC 8945 §5.3.2). */
function unsignedTsigError(request, tsigError) {
  const answer = answerFor(request, 9);
  const timeBytes = Buffer.alloc(6);
  timeBytes.writeUIntBE(Math.floor(Date.now() / 1000), 0, 6);
  const rdata = Buffer.concat([wireName(request.tsig.algorithm), timeBytes, u16(300), u16(0), u16(request.id), u16(tsigError), u16(0)]);
  const record = Buffer.concat([wireName(request.tsig.key), u16(250), u16(255), Buffer.alloc(4), u16(rdata.length), rdata]);
  const out = Buffer.concat([answer, record]);
  out.writeUInt16BE(1, 10);
  return out;
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

function answerFor(request, rcode, { truncated = false, id = request.id, answers = [] } = {}) {
  const flags = 0x8000 | (request.opcode << 11) | 0x0400 | (truncated ? 0x0200 : 0) | rcode;
  const records = answers.map(({ name, type, value }) =>
    Buffer.concat([wireName(name), u16(TYPE_CODES[type]), u16(1), Buffer.from([0, 0, 1, 44]), u16(type === 'A' ? 4 : 16), addressRdata(type, value)]),
  );
  return Buffer.concat([u16(id), u16(flags), u16(1), u16(records.length), u16(0), u16(0), request.question, ...records]);
}

/** `keys`: {name: base64 secret} the server knows. */
async function start({ keys }) {
  const udp = await bindUdp('127.0.0.1', 0);
  const port = udp.address().port;
  const requests = [];
  const scripts = { query: [], update: [] };
  const sockets = new Set();
  /** `name type` -> the values of that RRset */
  const rrsets = new Map();

  function held(name, type) {
    return [...(rrsets.get(`${name.toLowerCase()} ${type}`) ?? [])];
  }
  function holdsAny(name) {
    return [...rrsets.keys()].some((k) => k.startsWith(`${name} `) && rrsets.get(k).size > 0);
  }
  /** RFC 2136 §3.4.2: class ANY deletes an RRset (or every RRset of the name), NONE one record, IN adds one. */
  function apply(changes) {
    for (const { name, type, klass, rdata } of changes) {
      if (klass === 255 && type === 255) for (const t of Object.keys(TYPE_CODES)) rrsets.delete(`${name} ${t}`);
      const typeName = TYPE_NAMES[type];
      if (!typeName) continue;
      const key = `${name} ${typeName}`;
      if (klass === 255) rrsets.delete(key);
      else if (klass === 254) rrsets.get(key)?.delete(addressText(typeName, rdata));
      else if (klass === 1) rrsets.set(key, (rrsets.get(key) ?? new Set()).add(addressText(typeName, rdata)));
    }
  }
  /** A query answered from the RRsets held: the records, NODATA, or NXDOMAIN. */
  function lookup(request) {
    const { name, type } = request.asked;
    const answers = type ? held(name, type).map((value) => ({ name, type, value })) : [];
    return { rcode: answers.length > 0 || holdsAny(name) ? 0 : 3, answers };
  }

  /** Answers for one request: a list of packets to send, in order ([] = silence). */
  function respond(buf, transport) {
    const request = parseRequest(buf);
    const kind = OPCODES[request.opcode] ?? 'other';
    const entry = { transport, opcode: kind, id: request.id };
    requests.push(entry);
    const step = (kind === 'update' || kind === 'query') && scripts[kind].length > 0 ? scripts[kind].shift() : 'default';
    const secret = request.tsig && keys[request.tsig.key];
    const key = { name: request.tsig?.key, secret: secret ? Buffer.from(secret, 'base64') : undefined };
    if (request.tsig && !key.secret) return [unsignedTsigError(request, 17)];
    if (request.tsig) {
      const wanted = requestMac(request, key.secret);
      if (wanted.length !== request.tsig.mac.length || !crypto.timingSafeEqual(wanted, request.tsig.mac)) return [unsignedTsigError(request, 16)];
    }
    const found = kind === 'query' ? lookup(request) : { rcode: 0, answers: [] };
    const normal = found.rcode;
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
        return [unsignedTsigError(request, 16)];
      default:
        if (kind === 'update') {
          apply(request.changes);
          entry.applied = true;
        }
        return [signed(normal, { answers: found.answers })];
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
    /** the values the server holds for name and type (A or AAAA), as written by UPDATEs it accepted */
    held,
    /** UPDATEs it accepted and applied */
    get updates() {
      return requests.filter((r) => r.opcode === 'update' && r.applied).length;
    },
    script(opcode, steps) {
      scripts[opcode].push(...steps);
    },
    reset() {
      requests.length = 0;
      scripts.query.length = 0;
      scripts.update.length = 0;
      rrsets.clear();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => tcp.close(resolve));
      await new Promise((resolve) => udp.close(resolve));
    },
  };
}

module.exports = { start };
