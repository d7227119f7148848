'use strict';
// Reasons as catalog keys (issue 21.5) and what the status says (issues 23.3,
// 23.4, 23.6): every key the code uses has its text in both runtime catalogs,
// the English text is the error's own message, the status is short and names
// the cause, holds no internal code, and agrees with the sidebar after a block
// is cleared.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { translator } = require('../support/node-red');

const root = path.join(__dirname, '..', '..');
const dist = (file) => require(path.join(root, 'dist', file));
const { DdnsError, toDdnsError, placed } = dist('core/errors.js');
const { parsePayloadAddresses } = dist('core/payload.js');
const { addressJobs } = dist('core/jobs.js');
const { parseServerUrl, numberSetting } = dist('core/validate.js');
const { interfaceAddresses } = dist('sources/interface.js');
const { parseFullNames } = dist('providers/targets.js');
const { verdictForCode, verdictForHost, verdictForAuthStatus } = dist('providers/dyndns2/policy.js');
const { errorFromAnswer } = dist('providers/cloudflare/api-errors.js');
const cloudflare401 = () => errorFromAnswer('GET /zones', { status: 401, headers: {}, body: '' }, { success: false, errors: [{ code: 10000, message: 'Authentication error' }] }, [], Date.now());
const { sharedTexts, reasonText } = dist('nodes/shared/texts.js');
const { UpdaterStatus, summaryText } = dist('nodes/shared/updater-status.js');
const { flowError, recordFailure } = dist('nodes/shared/failure.js');

const catalog = (lang) => JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', lang, 'ddns-sidebar.json'), 'utf8')).runtime;
const textsIn = (lang) => sharedTexts({ _: translator('ddns-sidebar', lang) });

function leaves(tree, prefix = '') {
  const out = new Map();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const at = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(at) : entry.name.endsWith('.ts') ? [at] : [];
  });
}

/** The catalog keys src/ uses: quoted keys of the reason groups, and the keys built from a code. */
function keysUsed() {
  const keys = new Set();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/'((?:config|input|net|record|source|http|dyndns2)\.[a-z0-9-]+)'/g)) keys.add(match[1]);
  }
  // `net.${NETWORK_KEYS[code] ?? 'unreachable'}` and `http.${code}` (src/core/errors.ts, src/providers/http-api.ts)
  const errors = fs.readFileSync(path.join(root, 'src', 'core', 'errors.ts'), 'utf8');
  const table = /NETWORK_KEYS[^{]*\{([^}]*)\}/.exec(errors)[1];
  for (const match of table.matchAll(/:\s*'([a-z-]+)'/g)) keys.add(`net.${match[1]}`);
  keys.add('net.unreachable');
  const api = fs.readFileSync(path.join(root, 'src', 'providers', 'http-api.ts'), 'utf8');
  const words = /const words[^{]*\{([^}]*)\}/.exec(api)[1];
  for (const match of words.matchAll(/(E[A-Z]+):/g)) keys.add(`http.${match[1]}`);
  // `answerKey(code)` for every DynDNS2 return code of RULES, `dyndns2.http-${status}` (src/providers/dyndns2/policy.ts)
  const policy = fs.readFileSync(path.join(root, 'src', 'providers', 'dyndns2', 'policy.ts'), 'utf8');
  const rules = /const RULES[^{]*\{([\s\S]*?)\n\};/.exec(policy)[1];
  for (const match of rules.matchAll(/^\s+'?([!\w]+)'?: \{ kind/gm)) keys.add(`dyndns2.${match[1].replace(/^!/, 'not-')}`);
  for (const status of [401, 403]) keys.add(`dyndns2.http-${status}`);
  // `cloudflare.${kind.key}` (src/providers/cloudflare/api-errors.ts)
  const cloudflare = fs.readFileSync(path.join(root, 'src', 'providers', 'cloudflare', 'api-errors.ts'), 'utf8');
  for (const match of cloudflare.matchAll(/key: '([a-z0-9-]+)' \}/g)) keys.add(`cloudflare.${match[1]}`);
  return keys;
}

/** A status line that keeps what it was told. */
function fakeLine() {
  const shown = [];
  return { shown, show: (kind, text) => shown.push({ kind, text }), clear: () => shown.push(null), last: () => shown[shown.length - 1] };
}

describe('reasons as catalog keys', () => {
  it('every key used in src/ has its text in both runtime catalogs', () => {
    const used = keysUsed();
    assert.ok(used.size > 40, `found only ${used.size} keys: the scan is broken`);
    for (const lang of ['en-US', 'zh-CN']) {
      const reasons = leaves(catalog(lang).reason);
      const missing = [...used].filter((key) => !reasons.has(key));
      assert.deepEqual(missing, [], `${lang} lacks runtime.reason texts`);
    }
  });

  it('both languages have the same keys and the same placeholders; every short form has its whole sentence', () => {
    const en = catalog('en-US');
    const zh = catalog('zh-CN');
    for (const part of ['reason', 'short', 'status', 'summary', 'error']) {
      const a = leaves(en[part]);
      const b = leaves(zh[part]);
      assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), `runtime.${part}`);
      for (const [key, text] of a) {
        const names = (s) => [...new Set(s.match(/__\w+__/g) ?? [])].sort();
        assert.deepEqual(names(b.get(key)), names(text), `runtime.${part}.${key} placeholders`);
        if (part === 'short') assert.ok(leaves(en.reason).has(key), `short.${key} has no reason.${key}`);
        // an English sentence has its Chinese one (the provider's words and msg.* names may stay as they are)
        if (/[a-z]{3,}/.test(text.replace(/__\w+__/g, ''))) assert.match(b.get(key), /[\u4e00-\u9fff]/, `zh-CN runtime.${part}.${key} is not Chinese: ${b.get(key)}`);
      }
    }
  });

  it('the English text is the message the error carries (logs and tests read the message)', async () => {
    const t = textsIn('en-US');
    const thrown = (fn) => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      throw new Error('did not throw');
    };
    const samples = [
      toDdnsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'https://dynupdate.no-ip.com/nic/update'),
      toDdnsError(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), 'https://a.example/'),
      toDdnsError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' })),
      placed(toDdnsError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), 'https://b.example/'), 'https://ip.example/'),
      thrown(() => parsePayloadAddresses('not-an-address')),
      thrown(() => parsePayloadAddresses({ ipv4: '2001:db8::1' })),
      thrown(() => parsePayloadAddresses(42)),
      thrown(() => addressJobs('AAAA', '203.0.113.5')),
      thrown(() => addressJobs('A', { ipv6: '2001:4860::8888' })),
      thrown(() => parseServerUrl('server', 'dynupdate.no-ip.com')),
      thrown(() => parseServerUrl('server', '')),
      thrown(() => numberSetting('ttl', '5', { fallback: 600, min: 60, max: 86400 })),
      thrown(() => parseFullNames('')),
      thrown(() => parseFullNames('a..b', 'example.com')),
      thrown(() => parseFullNames('home.example.org', 'example.com')),
      await interfaceAddresses('eth9-missing').catch((err) => err),
      verdictForCode('badauth', 'home.example.com').error,
      verdictForCode('nohost', 'home.example.com', 'extra words').error,
      verdictForHost(verdictForCode('911', 'a.example.com'), 'b.example.com').error,
      verdictForAuthStatus(401, 'a.example.com').error,
      cloudflare401(),
    ];
    for (const err of samples) {
      assert.ok(err instanceof DdnsError && err.key, `${err.message} has a key`);
      assert.equal(reasonText(t, err), err.message, err.key);
    }
  });

  it('zh-CN says a keyed reason in Chinese, quotes the provider’s own words, and falls back to English without a key', () => {
    const t = textsIn('zh-CN');
    const refused = toDdnsError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'https://dynupdate.no-ip.com/nic/update');
    assert.equal(reasonText(t, refused), 'https://dynupdate.no-ip.com/nic/update: 连接被拒绝（ECONNREFUSED）');
    const blocked = { message: 'x', key: 'record.blocked', params: { answer: 'badauth' }, at: 'home.example.com' };
    assert.equal(reasonText(t, blocked, true), '已阻止：badauth');
    assert.equal(reasonText(t, new DdnsError('EPROVIDER', 'something the provider said')), 'something the provider said');
    assert.equal(reasonText(t, verdictForCode('badauth', 'home.example.com').error), 'home.example.com: 用户名或密码被拒绝（badauth）');
    assert.match(reasonText(t, cloudflare401()), /^Cloudflare GET \/zones: Authentication error \(10000\)；该令牌无权编辑此区域的 DNS/);
    assert.equal(reasonText(t, verdictForCode('nohost', 'home.example.com', 'no such host').error), 'home.example.com: 此账户中没有该主机名（nohost "no such host"）');
    assert.equal(reasonText(t, new DdnsError('EPROVIDER', 'english', { key: 'no.such.key' })), 'english');
  });

  it('the error handed to done() is one line with its code: a String, in the runtime’s language', () => {
    const t = textsIn('zh-CN');
    let err;
    try {
      parsePayloadAddresses('x');
    } catch (e) {
      err = e;
    }
    const report = flowError(err, [], t);
    assert.ok(!(report instanceof Error));
    assert.equal(String(report), 'msg.payload 不是 IPv4 或 IPv6 地址');
    assert.equal(report.message, String(report));
    assert.equal(report.code, 'EBADINPUT');
    assert.ok(Object.prototype.hasOwnProperty.call(report, 'code'), 'Node-RED copies an own code to msg.error.code');
    // a secret in a reason is masked like any other
    assert.equal(String(flowError(new DdnsError('EAUTH', 'refused s3cret-token'), ['s3cret-token'], t)), 'refused ***');
  });

  it('a record’s failure handed to done() says its reason in the runtime’s language, after the record’s name', () => {
    const blocked = { name: 'home.example.com', type: 'A', status: 'skipped', code: 'EBLOCKED', providerCode: 'badauth', message: 'home.example.com: blocked since ...', reason: { key: 'record.blocked', params: { answer: 'badauth' }, at: 'home.example.com' } };
    const zh = recordFailure(blocked, [], textsIn('zh-CN'));
    assert.equal(String(zh), 'home.example.com: 服务商拒绝后已阻止（badauth）；在登录信息或设置更改、或在 DDNS 侧边栏解除阻止之前不再发送');
    assert.equal(zh.code, 'EBLOCKED');
    assert.equal(zh.providerCode, 'badauth');
    // without a key: the English message, with the name before it
    assert.equal(String(recordFailure({ name: 'a.example.com', status: 'failed', code: 'EPROVIDER', message: 'dnserr' }, [], textsIn('zh-CN'))), 'a.example.com: dnserr');
  });
});

describe('what an updater status says', () => {
  const at = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('retrying: words only, the provider’s answer or HTTP status where there is one, never an internal code (23.4)', () => {
    for (const lang of ['en-US', 'zh-CN']) {
      const line = fakeLine();
      const status = new UpdaterStatus(line, textsIn(lang), false);
      status.retrying(new DdnsError('ENETWORK', 'ECONNREFUSED', { key: 'net.refused', params: { code: 'ECONNREFUSED' } }), at);
      assert.doesNotMatch(line.last().text, /ENETWORK|ECONNREFUSED|\(\)/, line.last().text);
      status.retrying(new DdnsError('EHTTPSTATUS', 'x', { statusCode: 503 }), at);
      assert.match(line.last().text, /HTTP 503/);
    }
    const line = fakeLine();
    new UpdaterStatus(line, textsIn('en-US'), false).retrying(new DdnsError('ENETWORK', 'x'), at);
    assert.match(line.last().text, /^cannot reach the server, retrying at /);
  });

  it('a node that cannot run names what is missing, and the reason fits the 64 characters of a status (23.3)', () => {
    const t = textsIn('en-US');
    const cases = [
      [() => parseServerUrl('server', 'dynupdate.no-ip.com'), 'invalid settings: server needs https:// or http://'],
      [() => parseFullNames(''), 'invalid settings: no host names: set them or send msg.hostnames'],
    ];
    for (const [fn, expected] of cases) {
      let err;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      const line = fakeLine();
      // what the updater works out today: the English message in status.invalid
      new UpdaterStatus(line, t, false).failed(err, t('status.invalid', { reason: err.message }));
      assert.equal(line.last().text, expected);
      assert.ok(line.last().text.length <= 64, line.last().text);
      assert.equal(new UpdaterStatus(fakeLine(), t, false).unusable(err, 'invalid'), expected);
    }
    // a per-input setting that is missing says which, not only "invalid settings"
    const line = fakeLine();
    new UpdaterStatus(line, t, false).failed(new DdnsError('ECONFIG', 'no hostnames: set it in the node or send msg.hostnames'));
    assert.equal(line.last().text, 'no hostnames: set it in the node or send msg.hostnames');
  });

  it('a server that cannot be reached is named by its host, not by the host record (No-IP offline, 23.3)', () => {
    const line = fakeLine();
    const status = new UpdaterStatus(line, textsIn('en-US'), false);
    const err = toDdnsError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'https://dynupdate.no-ip.com/nic/update');
    status.ran([{ name: 'home.example.com', type: 'A', status: 'failed', code: err.code, message: err.message, reason: { key: err.key, params: err.params, at: err.at } }], []);
    assert.equal(line.last().text, 'cannot reach the server (dynupdate.no-ip.com)');
  });

  it('zh-CN: a record’s failure and a block are said in Chinese; blocked is 已阻止', () => {
    const line = fakeLine();
    const status = new UpdaterStatus(line, textsIn('zh-CN'), false);
    status.ran([{ name: 'a.example.com', type: 'A', status: 'failed', code: 'EAUTH', providerCode: 'HTTP 401', message: 'x', reason: { key: 'http.EAUTH', params: { status: 401, said: '' } } }], []);
    assert.equal(line.last().text, '凭据被拒绝（HTTP 401）（a.example.com）');
    status.stored([{ name: 'a.example.com', blockedCode: 'badauth' }]);
    assert.equal(line.last().text, '已阻止：badauth（a.example.com）');
  });

  it('after a block is cleared and nothing is known, the status says what the sidebar says: waiting for an address (23.6)', () => {
    const line = fakeLine();
    const status = new UpdaterStatus(line, textsIn('en-US'), false);
    status.stored([{ name: 'a.example.com', blockedCode: 'nohost' }]);
    assert.equal(line.last().text, 'blocked: nohost (a.example.com)');
    status.stored([{ name: 'a.example.com' }]);
    assert.deepEqual(line.last(), { kind: 'idle', text: 'waiting for an address' });
  });

  it('the summary of a run is said through the catalog', () => {
    const results = [{ name: 'a', status: 'updated' }, { name: 'b', status: 'unchanged' }];
    assert.equal(summaryText(textsIn('en-US'), results, false), '1 updated, 1 unchanged');
    assert.equal(summaryText(textsIn('en-US'), [], true), 'dry run: nothing to do');
    assert.equal(summaryText(textsIn('zh-CN'), results, false), '1 条已更新，1 条未变');
  });
});
