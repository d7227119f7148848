'use strict';
// A DNS responder on loopback for the dns:// origin tests, over UDP and over TCP
// on the same port (RFC 7766: a 2-byte length before each message). It answers A,
// AAAA, TXT and CNAME records of the IN and CH classes from a table. Like a server
// that sees no EDNS in the query, it sets the TC bit and leaves the records out
// when a UDP answer would exceed 512 bytes (RFC 1035 4.2.1); over TCP it answers
// in full. Per name it can misbehave: answer with an error RCODE, a truncated or
// garbled message, the wrong id or question, nothing at all, or send a forged
// answer from another socket first. It records who asked (address, port and
// transport), so a bind test can see the source address. Its encoder is written here, independently of src/sources/dns-wire,
// so the tests do not check the decoder against itself.
const net = require('node:net');
const { bindUdp } = require('../support/udp-sockets');

/** The classic UDP limit for a query without EDNS (RFC 1035 section 4.2.1). */
const UDP_LIMIT = 512;

const TYPES = { A: 1, CNAME: 5, TXT: 16, AAAA: 28 };
const CLASSES = { IN: 1, CH: 3 };
const TYPE_NAMES = Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [v, k]));
const CLASS_NAMES = Object.fromEntries(Object.entries(CLASSES).map(([k, v]) => [v, k]));
const RCODES = { noerror: 0, formerr: 1, servfail: 2, nxdomain: 3, notimp: 4, refused: 5 };

// what a forger would like the client to believe
const DECOY = { A: '192.0.2.66', AAAA: '2001:db8::66', TXT: '192.0.2.66', CNAME: 'decoy.example' };

function encodeName(name) {
  const parts = [];
  for (const label of name.replace(/\.$/, '').split('.').filter(Boolean)) {
    const bytes = Buffer.from(label, 'ascii');
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function encodeIpv6(text) {
  const [head, tail = ''] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = text.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function rdataOf(type, value) {
  switch (type) {
    case 'A':
      return Buffer.from(value.split('.').map(Number));
    case 'AAAA':
      return encodeIpv6(value);
    case 'TXT': {
      // a long value is split into 255-byte character-strings, as real servers do
      const text = Buffer.from(value, 'utf8');
      const parts = [];
      for (let i = 0; i < text.length || i === 0; i += 255) {
        const chunk = text.subarray(i, i + 255);
        parts.push(Buffer.from([chunk.length]), chunk);
      }
      return Buffer.concat(parts);
    }
    case 'CNAME':
      return encodeName(value);
    default:
      throw new Error(`fake-dns cannot encode ${type}`);
  }
}

/** Reads the query the client sent: header and first question (queries carry no compression). */
function parseQuery(packet) {
  if (packet.length < 12) return undefined;
  const id = packet.readUInt16BE(0);
  const flags = packet.readUInt16BE(2);
  const labels = [];
  let pos = 12;
  while (pos < packet.length && packet[pos] !== 0) {
    const len = packet[pos];
    labels.push(packet.toString('ascii', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  pos += 1;
  if (pos + 4 > packet.length) return undefined;
  const qtype = packet.readUInt16BE(pos);
  const qclass = packet.readUInt16BE(pos + 2);
  return {
    id,
    rd: (flags & 0x0100) !== 0,
    name: labels.join('.'),
    type: TYPE_NAMES[qtype] || String(qtype),
    class: CLASS_NAMES[qclass] || String(qclass),
    qtype,
    qclass,
    questionBytes: packet.subarray(12, pos + 4),
  };
}

/**
 * A response to `query` holding `answers` ([{name, type, class, value, ttl}]).
 * Records owned by the asked name point back at the question (compression, as
 * every real server does); others are written out in full.
 */
function buildResponse(query, answers, { rcode = 0, truncated = false, id = query.id, questionBytes = query.questionBytes } = {}) {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x8000 | 0x0400 | (query.rd ? 0x0100 : 0) | 0x0080 | (truncated ? 0x0200 : 0) | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map((a) => {
    const owner = a.name.toLowerCase() === query.name.toLowerCase() ? Buffer.from([0xc0, 0x0c]) : encodeName(a.name);
    const rdata = rdataOf(a.type, a.value);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(TYPES[a.type], 0);
    fixed.writeUInt16BE(CLASSES[a.class || 'IN'], 2);
    fixed.writeUInt32BE(a.ttl ?? 60, 4);
    fixed.writeUInt16BE(rdata.length, 8);
    return Buffer.concat([owner, fixed, rdata]);
  });
  return Buffer.concat([header, questionBytes, ...records]);
}


/**
 * options.records: [{name, type: 'A'|'AAAA'|'TXT'|'CNAME', class?: 'IN'|'CH', value}]
 * options.behaviours: {name: mode}, mode one of
 *   'answer' (default), 'nxdomain', 'servfail', 'refused', 'formerr',
 *   'truncated' (TC over UDP, the full answer over TCP), 'truncatedEverywhere' (TC over TCP too),
 *   'tcpClose' (TC over UDP, TCP closed without an answer), 'tcpHang' (TC over UDP, TCP never answers),
 *   'garbage' (right id, broken body), 'silent', 'dropFirst' (answers only the resend),
 *   'wrongIdFirst' / 'wrongIdOnly', 'wrongQuestionFirst',
 *   'spoofPortFirst' (forged answer from another port, then the real one),
 *   'spoofAddressFirst' (forged answer from 127.0.0.3, same port, then the real one),
 *   'spoofOnly' (only the forged answer from another port)
 * Names not in the table get NXDOMAIN; a known name without the asked type, an empty answer.
 */
async function start(options = {}) {
  const host = options.host || '127.0.0.1';
  const records = [...(options.records || [])];
  const behaviours = new Map(Object.entries(options.behaviours || {}).map(([k, v]) => [k.toLowerCase(), v]));
  const queries = [];
  const seenIds = new Set();
  const timers = new Set();

  // UDP and TCP on one port number, as a real server: a few tries in case the TCP port is taken
  let socket;
  let tcp;
  for (let attempt = 0; !tcp; attempt++) {
    socket = await bindUdp(host, 0);
    const candidate = net.createServer();
    const listening = await new Promise((resolve) => {
      candidate.once('error', () => resolve(false));
      candidate.listen(socket.address().port, host, () => resolve(true));
    });
    if (listening) tcp = candidate;
    else {
      await new Promise((resolve) => socket.close(resolve));
      if (attempt > 10) throw new Error('fake-dns: no port free for both UDP and TCP');
    }
  }
  const { port } = socket.address();
  const tcpConnections = new Set();
  const spoofPort = await bindUdp(host, 0);
  // the same port on another loopback address: only the source address gives it away
  const spoofAddress = host === '127.0.0.1' ? await bindUdp('127.0.0.3', port).catch(() => undefined) : undefined;

  function lookup(name, type, klass) {
    const key = name.toLowerCase();
    const own = records.filter((r) => r.name.toLowerCase() === key && (r.class || 'IN') === klass);
    if (own.length === 0 && !records.some((r) => r.name.toLowerCase() === key)) return undefined;
    const direct = own.filter((r) => r.type === type);
    if (direct.length > 0 || type === 'CNAME') return direct;
    const alias = own.find((r) => r.type === 'CNAME');
    if (!alias) return [];
    return [alias, ...(lookup(alias.value, type, klass) || [])];
  }

  function later(fn) {
    // the forged datagram goes first; the real one a moment after, so the order is certain
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, 20);
    timers.add(timer);
  }

  function realAnswer(query) {
    const found = lookup(query.name, query.type, query.class);
    return found === undefined ? buildResponse(query, [], { rcode: RCODES.nxdomain }) : buildResponse(query, found);
  }

  tcp.on('connection', (conn) => {
    tcpConnections.add(conn);
    conn.on('close', () => tcpConnections.delete(conn));
    conn.on('error', () => {});
    let pending = Buffer.alloc(0);
    conn.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const packet = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + packet.length);
        const query = parseQuery(packet);
        queries.push({ transport: 'tcp', address: conn.remoteAddress, port: conn.remotePort, ...(query ? { id: query.id, name: query.name, type: query.type, class: query.class } : {}), bytes: packet.length });
        if (!query) return conn.destroy();
        const mode = behaviours.get(query.name.toLowerCase()) || 'answer';
        if (mode === 'tcpHang') return undefined;
        if (mode === 'tcpClose') return conn.destroy();
        const answer = mode === 'truncatedEverywhere' ? buildResponse(query, [], { truncated: true }) : realAnswer(query);
        const length = Buffer.alloc(2);
        length.writeUInt16BE(answer.length);
        // in two writes, as a real server may: the client must reassemble
        conn.write(Buffer.concat([length, answer.subarray(0, 1)]));
        conn.write(answer.subarray(1));
      }
    });
  });

  socket.on('message', (packet, peer) => {
    const query = parseQuery(packet);
    queries.push({ transport: 'udp', address: peer.address, port: peer.port, ...(query ? { id: query.id, name: query.name, type: query.type, class: query.class } : {}), bytes: packet.length });
    if (!query) return;
    const send = (buf, from = socket) => from.send(buf, peer.port, peer.address);
    const mode = behaviours.get(query.name.toLowerCase()) || 'answer';
    const real = () => {
      const full = realAnswer(query);
      return full.length > UDP_LIMIT ? buildResponse(query, [], { truncated: true }) : full;
    };
    const decoy = (extra = {}) =>
      buildResponse(query, [{ name: query.name, type: query.type, class: query.class, value: DECOY[query.type] || DECOY.A }], extra);

    if (mode in RCODES) return send(buildResponse(query, [], { rcode: RCODES[mode] }));
    switch (mode) {
      case 'silent':
        return;
      case 'dropFirst': {
        const key = `${peer.port}/${query.id}`;
        if (!seenIds.has(key)) return seenIds.add(key);
        return send(real());
      }
      case 'truncated':
      case 'truncatedEverywhere':
      case 'tcpClose':
      case 'tcpHang':
        return send(buildResponse(query, [], { truncated: true }));
      case 'garbage': {
        // the right id and a response header, then a name that runs off the end
        const head = Buffer.from([packet[0], packet[1], 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0]);
        return send(Buffer.concat([head, Buffer.from([0x3f, 0x61, 0x62, 0x63])]));
      }
      case 'wrongIdFirst':
        send(decoy({ id: (query.id + 1) & 0xffff }));
        return later(() => send(real()));
      case 'wrongIdOnly':
        return send(decoy({ id: (query.id + 1) & 0xffff }));
      case 'wrongQuestionFirst': {
        const other = { ...query, name: `other.${query.name}` };
        const otherQuestion = Buffer.concat([encodeName(other.name), query.questionBytes.subarray(query.questionBytes.length - 4)]);
        send(decoy({ questionBytes: otherQuestion }));
        return later(() => send(real()));
      }
      case 'spoofPortFirst':
        send(decoy(), spoofPort);
        return later(() => send(real()));
      case 'spoofAddressFirst':
        send(decoy(), spoofAddress || spoofPort);
        return later(() => send(real()));
      case 'spoofOnly':
        return send(decoy(), spoofPort);
      default:
        return send(real());
    }
  });

  return {
    host,
    port,
    /** the port forged answers come from */
    spoofPort: spoofPort.address().port,
    spoofAddressAvailable: Boolean(spoofAddress),
    queries,
    addRecord(record) {
      records.push(record);
    },
    /** what a name server serves after a change: the records of the name, type and class replaced by this one */
    setRecord(record) {
      const same = (r) => r.name.toLowerCase() === record.name.toLowerCase() && r.type === record.type && (r.class || 'IN') === (record.class || 'IN');
      for (let i = records.length - 1; i >= 0; i--) if (same(records[i])) records.splice(i, 1);
      records.push(record);
    },
    behave(name, mode) {
      behaviours.set(name.toLowerCase(), mode);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      for (const conn of tcpConnections) conn.destroy();
      const all = [socket, spoofPort, spoofAddress].filter(Boolean);
      return Promise.all([...all.map((s) => new Promise((resolve) => s.close(resolve))), new Promise((resolve) => tcp.close(resolve))]);
    },
  };
}

module.exports = { start, parseQuery, buildResponse, encodeName, DECOY, TYPES, CLASSES };
