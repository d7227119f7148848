'use strict';
const { requireRoot } = require('../support/root');
// neigh://MAC origins: the pure table parsers, the `ip` runner (with stand-in
// `ip` scripts for old iproute2, failures, hangs), and a real kernel neighbour
// table in two network namespaces this test creates and removes.
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const crypto = require('node:crypto');
const { execFileSync, execFile } = require('node:child_process');
const { DdnsError } = require('../../dist/core/errors');
const {
  parseNeighbourOrigin,
  parseNeighbourOriginText,
  parseNeighbourJson,
  parseNeighbourText,
  neighbourEntriesFromJson,
  neighbourEntriesFromText,
  lookupNeighbour,
  readNeighbourTable,
} = require('../../dist/sources/neighbour');

const DIST_NEIGHBOUR = path.resolve(__dirname, '../../dist/sources/neighbour.js');

function ctx(overrides = {}) {
  return { signal: new AbortController().signal, timeoutMs: 5000, family: 'any', ...overrides };
}

async function rejectsCode(promise, code, pattern) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof DdnsError, `expected a DdnsError, got ${err && err.stack}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

function throwsCode(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof DdnsError, `expected a DdnsError, got ${err && err.stack}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

// ------------------------------------------------------------------ fixtures
// One LAN as `ip -j neigh show` and `ip neigh show` print it: the host we look
// for (02:aa:bb:cc:dd:01) with addresses in every state, another host, the
// router, and entries that never resolved.
const TABLE_JSON = JSON.stringify([
  { dst: '192.0.2.10', dev: 'br0', lladdr: '02:aa:bb:cc:dd:01', state: ['STALE'] },
  { dst: '2001:db8:1:2:8c3f:1d2e:77aa:9b01', dev: 'br0', lladdr: '02:aa:bb:cc:dd:01', state: ['STALE'] },
  { dst: '2001:db8:1:2:5d1:e2f:aa01:7', dev: 'br0', lladdr: '02:aa:bb:cc:dd:01', state: ['REACHABLE'] },
  { dst: 'fe80::aa:bbff:fecc:dd01', dev: 'br0', lladdr: '02:aa:bb:cc:dd:01', state: ['REACHABLE'] },
  { dst: '2001:db8:1:2::dead', dev: 'br0', state: ['FAILED'] },
  { dst: '2001:db8:1:2::beef', dev: 'br0', lladdr: '02:aa:bb:cc:dd:01', state: ['FAILED'] },
  { dst: '2001:db8:1:2::c0de', dev: 'br0', lladdr: '02:aa:bb:cc:dd:01', state: ['PROBE'] },
  { dst: '2001:db8:1:2::d1', dev: 'br0', lladdr: '02:aa:bb:cc:dd:01', state: ['DELAY'] },
  { dst: '2001:DB8:1:2:0:0:0:9', dev: 'br0', lladdr: '02:AA:BB:CC:DD:01', state: ['PERMANENT'] },
  { dst: '192.0.2.20', dev: 'br0', lladdr: '02:aa:bb:cc:dd:02', state: ['REACHABLE'] },
  { dst: '2001:db8:1:2::20', dev: 'br0', lladdr: '02:aa:bb:cc:dd:02', state: ['STALE'] },
  { dst: '192.0.2.30', dev: 'br0', state: ['INCOMPLETE'] },
  { dst: '2001:db8:1:2::1', dev: 'br0', lladdr: '02:aa:bb:cc:dd:ff', router: null, state: ['REACHABLE'] },
  { dst: 'fe80::1', dev: 'br0', lladdr: '02:aa:bb:cc:dd:ff', router: null, state: ['STALE'] },
  { dst: '198.51.100.7', dev: 'wan0', lladdr: '02:aa:bb:cc:dd:03', state: ['REACHABLE'] },
  { dst: '198.51.100.7', dev: 'wan1', lladdr: '02:aa:bb:cc:dd:03', state: ['STALE'] },
]);

const TABLE_TEXT = [
  '192.0.2.10 dev br0 lladdr 02:aa:bb:cc:dd:01 STALE',
  '2001:db8:1:2:8c3f:1d2e:77aa:9b01 dev br0 lladdr 02:aa:bb:cc:dd:01 STALE',
  '2001:db8:1:2:5d1:e2f:aa01:7 dev br0 lladdr 02:aa:bb:cc:dd:01 REACHABLE',
  'fe80::aa:bbff:fecc:dd01 dev br0 lladdr 02:aa:bb:cc:dd:01 REACHABLE',
  '2001:db8:1:2::dead dev br0  FAILED',
  '2001:db8:1:2::beef dev br0 lladdr 02:aa:bb:cc:dd:01 FAILED',
  '2001:db8:1:2::c0de dev br0 lladdr 02:aa:bb:cc:dd:01 PROBE',
  '2001:db8:1:2::d1 dev br0 lladdr 02:aa:bb:cc:dd:01 DELAY',
  '2001:DB8:1:2:0:0:0:9 dev br0 lladdr 02:AA:BB:CC:DD:01 PERMANENT',
  '192.0.2.20 dev br0 lladdr 02:aa:bb:cc:dd:02 REACHABLE',
  '2001:db8:1:2::20 dev br0 lladdr 02:aa:bb:cc:dd:02 STALE',
  '192.0.2.30 dev br0  INCOMPLETE',
  '2001:db8:1:2::1 dev br0 lladdr 02:aa:bb:cc:dd:ff router REACHABLE',
  'fe80::1 dev br0 lladdr 02:aa:bb:cc:dd:ff router STALE',
  '198.51.100.7 dev wan0 lladdr 02:aa:bb:cc:dd:03 REACHABLE',
  '198.51.100.7 dev wan1 lladdr 02:aa:bb:cc:dd:03 STALE',
  '',
].join('\n');

// REACHABLE, then PERMANENT, DELAY, STALE (table order), PROBE; FAILED and link-local left out
const HOST_01 = [
  '2001:db8:1:2:5d1:e2f:aa01:7',
  '2001:db8:1:2::9',
  '2001:db8:1:2::d1',
  '192.0.2.10',
  '2001:db8:1:2:8c3f:1d2e:77aa:9b01',
  '2001:db8:1:2::c0de',
];

const SELECT_CASES = [
  ['02:aa:bb:cc:dd:01', HOST_01],
  ['02:AA:BB:CC:DD:01', HOST_01],
  ['02-aa-bb-cc-dd-01', HOST_01],
  ['02aa.bbcc.dd01', HOST_01],
  ['02aabbccdd01', HOST_01],
  ['02:aa:bb:cc:dd:02', ['192.0.2.20', '2001:db8:1:2::20']],
  // the router: its link-local address is of no use
  ['02:aa:bb:cc:dd:ff', ['2001:db8:1:2::1']],
  // one address seen on two links is listed once, at its best state
  ['02:aa:bb:cc:dd:03', ['198.51.100.7']],
  ['02:aa:bb:cc:dd:7f', []],
];

describe('sources/neighbour: parseNeighbourOriginText / parseNeighbourOrigin', () => {
  const valid = [
    ['neigh://00:11:22:33:44:55', '00:11:22:33:44:55'],
    ['neigh://00:1A:2B:3C:4D:5E', '00:1a:2b:3c:4d:5e'],
    ['neigh://00:1a:2b:3c:4d:5e/', '00:1a:2b:3c:4d:5e'],
    ['  neigh://00-1A-2B-3C-4D-5E  ', '00:1a:2b:3c:4d:5e'],
    ['neigh://001a.2b3c.4d5e', '00:1a:2b:3c:4d:5e'],
    ['neigh://001a2b3c4d5e', '00:1a:2b:3c:4d:5e'],
    ['NEIGH://02:aa:bb:cc:dd:01', '02:aa:bb:cc:dd:01'],
  ];
  for (const [text, mac] of valid) {
    it(`accepts ${text.trim()}`, () => {
      assert.deepEqual(parseNeighbourOriginText(text), { mac });
    });
  }

  it('new URL() refuses a colon MAC in the host part, which is why the raw text is parsed', () => {
    assert.throws(() => new URL('neigh://00:11:22:33:44:55'));
    assert.deepEqual(parseNeighbourOriginText('neigh://00:11:22:33:44:55'), { mac: '00:11:22:33:44:55' });
  });

  it('takes a URL object for the notations new URL() accepts, and a string', () => {
    assert.deepEqual(parseNeighbourOrigin(new URL('neigh://001a.2b3c.4d5e')), { mac: '00:1a:2b:3c:4d:5e' });
    assert.deepEqual(parseNeighbourOrigin(new URL('neigh://00-1a-2b-3c-4d-5e/')), { mac: '00:1a:2b:3c:4d:5e' });
    assert.deepEqual(parseNeighbourOrigin(new URL('neigh://001A2B3C4D5E')), { mac: '00:1a:2b:3c:4d:5e' });
    assert.deepEqual(parseNeighbourOrigin('neigh://00:1a:2b:3c:4d:5e'), { mac: '00:1a:2b:3c:4d:5e' });
  });

  const invalid = [
    ['neigh://', /needs a MAC address/],
    ['neigh:///', /needs a MAC address/],
    ['neigh://00:11:22:33:44', /is not a MAC address/],
    ['neigh://00:11:22:33:44:55:66', /is not a MAC address/],
    ['neigh://host.example', /is not a MAC address/],
    ['neigh://2001:db8::1', /is not a MAC address/],
    ['neigh://00:11:22:33:44:55/eth0', /takes only a MAC/],
    ['neigh://00:11:22:33:44:55?dev=eth0', /takes only a MAC/],
    ['neigh://00:11:22:33:44:55#x', /takes only a MAC/],
    ['neigh:00:11:22:33:44:55', /takes only a MAC/],
    ['neigh://01:00:5e:00:00:01', /multicast\/broadcast/],
    ['neigh://ff:ff:ff:ff:ff:ff', /multicast\/broadcast/],
    ['neigh://00:00:00:00:00:00', /all zeros/],
    ['iface://eth0', /not a neigh:\/\/ origin/],
  ];
  for (const [text, pattern] of invalid) {
    it(`refuses ${text} (${pattern})`, () => {
      throwsCode(() => parseNeighbourOriginText(text), 'ECONFIG', pattern);
    });
  }
});

describe('sources/neighbour: parseNeighbourJson and parseNeighbourText', () => {
  for (const [mac, expected] of SELECT_CASES) {
    it(`JSON: ${mac} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseNeighbourJson(TABLE_JSON, mac), expected);
    });
    it(`text: ${mac} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseNeighbourText(TABLE_TEXT, mac), expected);
    });
  }

  it('JSON already parsed works too', () => {
    assert.deepEqual(parseNeighbourJson(JSON.parse(TABLE_JSON), '02:aa:bb:cc:dd:01'), HOST_01);
  });

  it('both parsers read the same entries', () => {
    const fromJson = neighbourEntriesFromJson(TABLE_JSON);
    const fromText = neighbourEntriesFromText(TABLE_TEXT);
    assert.equal(fromJson.length, 16);
    assert.deepEqual(fromText, fromJson);
    assert.deepEqual(fromJson[4], { dst: '2001:db8:1:2::dead', dev: 'br0', states: ['FAILED'] });
    assert.deepEqual(fromJson[8], { dst: '2001:DB8:1:2:0:0:0:9', dev: 'br0', lladdr: '02:aa:bb:cc:dd:01', states: ['PERMANENT'] });
    assert.deepEqual(fromText[12], { dst: '2001:db8:1:2::1', dev: 'br0', lladdr: '02:aa:bb:cc:dd:ff', states: ['REACHABLE'] });
  });

  const stateTable = [
    // [states, kept?] for one entry of the wanted MAC
    [['REACHABLE'], true],
    [['STALE'], true],
    [['DELAY'], true],
    [['PROBE'], true],
    [['PERMANENT'], true],
    [['NOARP'], true],
    [['FAILED'], false],
    [['INCOMPLETE'], false],
    [['NONE'], false],
    [['STALE', 'FAILED'], false],
  ];
  for (const [states, kept] of stateTable) {
    it(`state ${states.join('+')}: ${kept ? 'kept' : 'left out'}`, () => {
      const json = JSON.stringify([{ dst: '2001:db8::5', dev: 'eth0', lladdr: '02:aa:bb:cc:dd:01', state: states }]);
      const text = `2001:db8::5 dev eth0 lladdr 02:aa:bb:cc:dd:01 ${states.join(' ')}\n`;
      const expected = kept ? ['2001:db8::5'] : [];
      assert.deepEqual(parseNeighbourJson(json, '02:aa:bb:cc:dd:01'), expected);
      assert.deepEqual(parseNeighbourText(text, '02:aa:bb:cc:dd:01'), expected);
    });
  }

  it('flags between lladdr and state (router, proxy, extern_learn) are skipped in text', () => {
    const text = '2001:db8::5 dev eth0 lladdr 02:aa:bb:cc:dd:01 router extern_learn offload STALE\n' +
      '2001:db8::6 dev eth0 lladdr 02:aa:bb:cc:dd:01 proxy REACHABLE\n';
    assert.deepEqual(parseNeighbourText(text, '02:aa:bb:cc:dd:01'), ['2001:db8::6', '2001:db8::5']);
  });

  it('empty tables and lines yield nothing', () => {
    assert.deepEqual(parseNeighbourJson('[]', '02:aa:bb:cc:dd:01'), []);
    assert.deepEqual(parseNeighbourJson('', '02:aa:bb:cc:dd:01'), []);
    assert.deepEqual(parseNeighbourJson('\n[]\n', '02:aa:bb:cc:dd:01'), []);
    assert.deepEqual(parseNeighbourText('', '02:aa:bb:cc:dd:01'), []);
    assert.deepEqual(parseNeighbourText('\n\n', '02:aa:bb:cc:dd:01'), []);
  });

  it('entries that are not addresses, or whose link-layer address is not a MAC, are skipped', () => {
    const json = JSON.stringify([
      { dst: 'not-an-address', dev: 'eth0', lladdr: '02:aa:bb:cc:dd:01', state: ['REACHABLE'] },
      { dst: '2001:db8::7', dev: 'ib0', lladdr: '80:00:00:48:fe:80:00:00:00:00:00:00:02:aa:bb:cc:dd:01:00:01', state: ['REACHABLE'] },
      { dst: 'ff02::1', dev: 'eth0', lladdr: '02:aa:bb:cc:dd:01', state: ['NOARP'] },
      { dev: 'eth0', lladdr: '02:aa:bb:cc:dd:01', state: ['REACHABLE'] },
      'garbage',
      null,
      { dst: '192.0.2.44', dev: 'eth0', lladdr: '02:aa:bb:cc:dd:01', state: 'STALE' },
    ]);
    assert.deepEqual(parseNeighbourJson(json, '02:aa:bb:cc:dd:01'), ['192.0.2.44']);
  });

  it('bad JSON is EBADRESPONSE; a bad MAC is ECONFIG', () => {
    throwsCode(() => parseNeighbourJson('[{"dst":', '02:aa:bb:cc:dd:01'), 'EBADRESPONSE', /not JSON/);
    throwsCode(() => parseNeighbourJson('{"dst":"192.0.2.1"}', '02:aa:bb:cc:dd:01'), 'EBADRESPONSE', /JSON array/);
    throwsCode(() => parseNeighbourJson('[]', 'nope'), 'ECONFIG', /not a MAC/);
    throwsCode(() => parseNeighbourText('', '02:aa:bb:cc:dd'), 'ECONFIG', /not a MAC/);
  });
});

// ------------------------------------------------------------------ stand-in `ip` commands

describe('sources/neighbour: running ip (stand-in commands)', function () {
  let dir;
  let calls;

  /** Writes an executable sh script that logs its argv (one call per line) then runs `body`. */
  function fakeIp(name, body) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\necho "$*" >> "${calls}"\n${body}\n`, { mode: 0o755 });
    return file;
  }

  function loggedCalls() {
    return fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n') : [];
  }

  before(function () {
    if (process.platform !== 'linux') this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddns-neigh-'));
    fs.writeFileSync(path.join(dir, 'table.txt'), TABLE_TEXT);
    fs.writeFileSync(path.join(dir, 'table.json'), TABLE_JSON);
  });

  beforeEach(() => {
    calls = path.join(dir, `calls-${crypto.randomBytes(4).toString('hex')}.log`);
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('JSON from ip -j neigh show', async () => {
    const ip = fakeIp('ip-json', `cat "${dir}/table.json"`);
    const answer = await lookupNeighbour({ mac: '02:aa:bb:cc:dd:01' }, ctx(), { ipCommand: ip });
    assert.deepEqual(answer, { texts: HOST_01, kind: 'addresses' });
    assert.deepEqual(loggedCalls(), ['-j neigh show']);
  });

  it('an iproute2 that refuses -j: falls back to the text form, family passed as -4/-6', async () => {
    const ip = fakeIp(
      'ip-old',
      `case "$1" in -j) echo 'Option "-j" is unknown, try "ip -help".' >&2; exit 255;; esac\ncat "${dir}/table.txt"`,
    );
    const answer = await lookupNeighbour({ mac: '02:aa:bb:cc:dd:01' }, ctx({ family: 'ipv6' }), { ipCommand: ip });
    assert.deepEqual(answer, { texts: HOST_01, kind: 'addresses' }); // the stand-in ignores -6; lookup.ts filters by family
    assert.deepEqual(loggedCalls(), ['-j -6 neigh show', '-6 neigh show']);
  });

  it('an iproute2 that takes -j but prints text for neigh: parsed as text', async () => {
    const ip = fakeIp('ip-half', `cat "${dir}/table.txt"`);
    const answer = await lookupNeighbour({ mac: '02:aa:bb:cc:dd:02' }, ctx({ family: 'ipv4' }), { ipCommand: ip });
    assert.deepEqual(answer.texts, ['192.0.2.20', '2001:db8:1:2::20']);
    assert.deepEqual(loggedCalls(), ['-j -4 neigh show']);
  });

  it('ip failing both ways is ENOADDR with its message', async () => {
    const ip = fakeIp('ip-fail', `echo "RTNETLINK answers: Operation not permitted" >&2; exit 2`);
    await rejectsCode(lookupNeighbour({ mac: '02:aa:bb:cc:dd:01' }, ctx(), { ipCommand: ip }), 'ENOADDR', /neigh show" failed \(exit 2\): RTNETLINK answers: Operation not permitted/);
  });

  it('no ip command is ECONFIG', async () => {
    await rejectsCode(
      lookupNeighbour({ mac: '02:aa:bb:cc:dd:01' }, ctx(), { ipCommand: path.join(dir, 'no-such-ip') }),
      'ECONFIG',
      /need iproute2's "ip" command; ".*no-such-ip" was not found/,
    );
  });

  it('no entry for the MAC is ENOADDR (retryable) saying so', async () => {
    const ip = fakeIp('ip-json2', `cat "${dir}/table.json"`);
    await rejectsCode(
      lookupNeighbour({ mac: '02:aa:bb:cc:dd:7f' }, ctx(), { ipCommand: ip }),
      'ENOADDR',
      /holds no entry for 02:aa:bb:cc:dd:7f/,
    );
    await assert.rejects(lookupNeighbour({ mac: '02:aa:bb:cc:dd:7f' }, ctx(), { ipCommand: ip }), (err) => err.retryable === true);
  });

  it('only failed entries for the MAC is ENOADDR listing them', async () => {
    const ip = fakeIp(
      'ip-failed',
      `echo '[{"dst":"2001:db8::9","dev":"eth0","lladdr":"02:aa:bb:cc:dd:09","state":["FAILED"]}]'`,
    );
    await rejectsCode(
      lookupNeighbour({ mac: '02:aa:bb:cc:dd:09' }, ctx({ family: 'ipv6' }), { ipCommand: ip }),
      'ENOADDR',
      /no usable IPv6 address for 02:aa:bb:cc:dd:09, only 2001:db8::9 \(FAILED\)/,
    );
  });

  it('an already aborted signal: EABORTED, ip is not run', async () => {
    const ip = fakeIp('ip-never', `cat "${dir}/table.json"`);
    const controller = new AbortController();
    controller.abort();
    await rejectsCode(lookupNeighbour({ mac: '02:aa:bb:cc:dd:01' }, ctx({ signal: controller.signal }), { ipCommand: ip }), 'EABORTED');
    assert.deepEqual(loggedCalls(), []);
  });

  it('abort while ip runs: EABORTED and the process is killed', async () => {
    const pidFile = path.join(dir, 'hang.pid');
    const ip = fakeIp('ip-hang', `echo $$ > "${pidFile}"\nexec sleep 30`);
    const controller = new AbortController();
    const pending = lookupNeighbour({ mac: '02:aa:bb:cc:dd:01' }, ctx({ signal: controller.signal }), { ipCommand: ip });
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8').trim() === '') await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await rejectsCode(pending, 'EABORTED');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    // the child is gone (signal 0 only checks); allow the kernel a moment to reap it
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 20));
      } catch {
        alive = false;
      }
    }
    assert.equal(alive, false, 'the ip process was killed');
  });

  it('the deadline passes while ip runs: ETIMEDOUT', async () => {
    const ip = fakeIp('ip-slow', 'exec sleep 30');
    await rejectsCode(
      lookupNeighbour({ mac: '02:aa:bb:cc:dd:01' }, ctx({ signal: AbortSignal.timeout(200), timeoutMs: 200 }), { ipCommand: ip }),
      'ETIMEDOUT',
    );
    // and with only timeoutMs (no signal deadline), execFile's own timeout
    await rejectsCode(
      lookupNeighbour({ mac: '02:aa:bb:cc:dd:01' }, ctx({ timeoutMs: 200 }), { ipCommand: ip }),
      'ETIMEDOUT',
      /no answer within 0.2 s/,
    );
  });

  it('not Linux: ECONFIG without running anything', async () => {
    const ip = fakeIp('ip-nope', `cat "${dir}/table.json"`);
    const original = Object.getOwnPropertyDescriptor(process, 'platform');
    Object.defineProperty(process, 'platform', { ...original, value: 'darwin' });
    try {
      await rejectsCode(readNeighbourTable(ctx(), { ipCommand: ip }), 'ECONFIG', /Linux kernel's neighbour table.*not available on darwin/);
    } finally {
      Object.defineProperty(process, 'platform', original);
    }
    assert.deepEqual(loggedCalls(), []);
  });

  it('finds the real ip on this machine without being told where', async () => {
    const entries = await readNeighbourTable(ctx());
    assert.ok(Array.isArray(entries));
  });
});

// ------------------------------------------------------------------ a real neighbour table

function ip(args, options = {}) {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function runIn(ns, args, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ip netns exec ${ns} ${args[0]} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('sources/neighbour: a real neighbour table in network namespaces', function () {
  this.timeout(60000);
  const tag = crypto.randomBytes(3).toString('hex');
  const NS_A = `ddns-nb-${tag}-a`; // where the lookup runs
  const NS_B = `ddns-nb-${tag}-b`; // the LAN host with a fixed MAC
  const MAC_B = '02:aa:bb:cc:dd:01';
  const MAC_OTHER = '02:aa:bb:cc:dd:02';
  const B_ADDRESSES = ['2001:db8:4e:1::a', '2001:db8:4e:1:8c3f:1d2e:77aa:9b01', '192.0.2.2'];
  const created = [];
  let wrapperDir;

  let populated;

  before(async function () {
    if (process.platform !== 'linux') {
      this.skip(); // neigh:// is Linux only; nothing to test elsewhere
    }
    requireRoot(this, 'a real neighbour table in two network namespaces');
    ip(['netns', 'add', NS_A]);
    created.push(NS_A);
    ip(['netns', 'add', NS_B]);
    created.push(NS_B);
    // a veth pair made inside A, its peer moved into B: the machine's own links are never touched
    ip(['-n', NS_A, 'link', 'add', 'nb0', 'type', 'veth', 'peer', 'name', 'nb1', 'netns', NS_B]);
    ip(['-n', NS_B, 'link', 'set', 'dev', 'nb1', 'address', MAC_B]);
    // keep learned entries REACHABLE for the test's lifetime (an hour instead of ~30 s)
    ip(['-n', NS_A, 'ntable', 'change', 'name', 'ndisc_cache', 'dev', 'nb0', 'base_reachable', '3600000']);
    ip(['-n', NS_A, 'ntable', 'change', 'name', 'arp_cache', 'dev', 'nb0', 'base_reachable', '3600000']);
    ip(['-n', NS_A, 'addr', 'add', '2001:db8:4e:1::1/64', 'dev', 'nb0', 'nodad']);
    ip(['-n', NS_A, 'addr', 'add', '192.0.2.1/24', 'dev', 'nb0']);
    ip(['-n', NS_B, 'addr', 'add', '2001:db8:4e:1::a/64', 'dev', 'nb1', 'nodad']);
    ip(['-n', NS_B, 'addr', 'add', '2001:db8:4e:1:8c3f:1d2e:77aa:9b01/64', 'dev', 'nb1', 'nodad']);
    ip(['-n', NS_B, 'addr', 'add', '192.0.2.2/24', 'dev', 'nb1']);
    for (const [ns, dev] of [[NS_A, 'nb0'], [NS_B, 'nb1'], [NS_A, 'lo'], [NS_B, 'lo']]) ip(['-n', ns, 'link', 'set', 'dev', dev, 'up']);
    // hand-made entries: an older address of the same host (STALE) and another host (PERMANENT)
    ip(['-n', NS_A, 'neigh', 'add', '2001:db8:4e:1::5', 'lladdr', MAC_B, 'dev', 'nb0', 'nud', 'stale']);
    ip(['-n', NS_A, 'neigh', 'add', '2001:db8:4e:1::99', 'lladdr', MAC_OTHER, 'dev', 'nb0', 'nud', 'permanent']);
    ip(['-n', NS_A, 'neigh', 'add', '192.0.2.99', 'lladdr', MAC_OTHER, 'dev', 'nb0', 'nud', 'permanent']);
    // an old iproute2 stand-in for the text fallback: refuses -j, otherwise the real ip
    wrapperDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddns-neigh-ns-'));
    const realIp = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(
      path.join(wrapperDir, 'ip'),
      `#!/bin/sh\ncase "$1" in -j) echo 'Option "-j" is unknown, try "ip -help".' >&2; exit 255;; esac\nexec "${realIp}" "$@"\n`,
      { mode: 0o755 },
    );
    // A connects to a closed port on each of B's addresses: neighbour discovery / ARP
    // resolves B first, and B's RST (ECONNREFUSED) proves the exchange completed. The
    // entries are learned by the kernel, not added by hand.
    const script = `
      const net = require('node:net');
      const targets = ${JSON.stringify(B_ADDRESSES)};
      (async () => {
        const out = {};
        for (const host of targets) {
          out[host] = await new Promise((resolve) => {
            const s = net.connect({ host, port: 9 });
            s.setTimeout(10000, () => { s.destroy(); resolve('timeout'); });
            s.on('connect', () => { s.destroy(); resolve('open'); });
            s.on('error', (e) => resolve(e.code));
          });
        }
        process.stdout.write(JSON.stringify(out));
      })();`;
    populated = JSON.parse(await runIn(NS_A, [process.execPath, '-e', script]));
  });

  after(() => {
    for (const ns of created.reverse()) {
      try {
        ip(['netns', 'del', ns]);
      } catch (err) {
        console.error(`could not delete namespace ${ns}: ${err.message}`);
      }
    }
    if (wrapperDir) fs.rmSync(wrapperDir, { recursive: true, force: true });
  });

  it('talking to B from A made the kernel learn B\'s addresses (TCP SYN answered by RST)', () => {
    assert.deepEqual(populated, Object.fromEntries(B_ADDRESSES.map((a) => [a, 'ECONNREFUSED'])));
    const table = ip(['-n', NS_A, 'neigh', 'show', 'dev', 'nb0']);
    for (const address of B_ADDRESSES) assert.match(table, new RegExp(`^${address.replace(/\./g, '\\.')} lladdr ${MAC_B} REACHABLE`, 'm'));
  });

  /** Runs lookups with the compiled module inside namespace A and returns what each gave. */
  async function lookupsInA(cases, ipCommand) {
    const script = `
      const { parseNeighbourOriginText, lookupNeighbour } = require(${JSON.stringify(DIST_NEIGHBOUR)});
      const cases = ${JSON.stringify(cases)};
      const options = ${JSON.stringify(ipCommand ? { ipCommand } : {})};
      (async () => {
        const out = [];
        for (const [origin, family] of cases) {
          try {
            const ctx = { signal: AbortSignal.timeout(10000), timeoutMs: 10000, family };
            out.push(await lookupNeighbour(parseNeighbourOriginText(origin), ctx, options));
          } catch (e) {
            out.push({ code: e.code, message: e.message });
          }
        }
        process.stdout.write(JSON.stringify(out));
      })();`;
    return JSON.parse(await runIn(NS_A, [process.execPath, '-e', script]));
  }

  const CASES = [
    ['neigh://02:AA:BB:CC:DD:01', 'any'],
    ['neigh://02-aa-bb-cc-dd-01', 'ipv6'],
    ['neigh://02aa.bbcc.dd01', 'ipv4'],
    ['neigh://02:aa:bb:cc:dd:02', 'any'],
    ['neigh://02:aa:bb:cc:dd:7f', 'any'],
  ];

  function checkAnswers(answers) {
    const [all, v6, v4, other, unknown] = answers;
    // learned (REACHABLE) entries first, in the kernel's order; the hand-made STALE one last
    assert.equal(all.kind, 'addresses');
    assert.equal(all.texts.length, 4, JSON.stringify(all));
    assert.deepEqual([...all.texts.slice(0, 3)].sort(), [...B_ADDRESSES].sort());
    assert.equal(all.texts[3], '2001:db8:4e:1::5');
    assert.ok(!all.texts.some((a) => a.startsWith('fe80:')), 'no link-local address');
    // -6 / -4 ask the kernel for one family only
    assert.deepEqual([...v6.texts.slice(0, 2)].sort(), ['2001:db8:4e:1:8c3f:1d2e:77aa:9b01', '2001:db8:4e:1::a']);
    assert.deepEqual(v6.texts.slice(2), ['2001:db8:4e:1::5']);
    assert.deepEqual(v4.texts, ['192.0.2.2']);
    // another MAC: only its own (PERMANENT) entries
    assert.deepEqual([...other.texts].sort(), ['192.0.2.99', '2001:db8:4e:1::99']);
    assert.equal(unknown.code, 'ENOADDR');
    assert.match(unknown.message, /no entry for 02:aa:bb:cc:dd:7f/);
  }

  it('lookupNeighbour inside the namespace (ip -j neigh show) finds B by its MAC', async () => {
    checkAnswers(await lookupsInA(CASES));
  });

  it('the text fallback (an ip that refuses -j) gives the same answers', async () => {
    const viaJson = await lookupsInA(CASES);
    const viaText = await lookupsInA(CASES, path.join(wrapperDir, 'ip'));
    checkAnswers(viaText);
    assert.deepEqual(viaText, viaJson);
  });

  it('parseNeighbourJson and parseNeighbourText agree on the real table', () => {
    const json = ip(['-n', NS_A, '-j', 'neigh', 'show']);
    const text = ip(['-n', NS_A, 'neigh', 'show']);
    for (const mac of [MAC_B, MAC_OTHER, '02:aa:bb:cc:dd:7f']) {
      assert.deepEqual(parseNeighbourText(text, mac), parseNeighbourJson(json, mac), mac);
    }
    assert.equal(parseNeighbourJson(json, MAC_B).length, 4);
  });
});
