'use strict';
// A Tencent Cloud DNSPod stand-in on loopback, speaking API 3.0 version
// 2021-03-23 as documented (https://cloud.tencent.com/document/api/1427/56153):
// POST / with a JSON body, X-TC-Action / X-TC-Version / X-TC-Timestamp, and an
// Authorization header checked for real: TC3-HMAC-SHA256 recomputed from the
// SecretKey the SecretId names ("签名方法 v3", https://cloud.tencent.com/document/api/1427/56189),
// scope `<date>/dnspod/tc3_request`, timestamp within 5 minutes. Every answer
// is HTTP 200 with `{"Response": {..., "RequestId"}}`, errors as
// `Response.Error {Code, Message}` with the codes of Tencent's tables
// (https://cloud.tencent.com/document/api/1427/56192, and the per-action lists
// in tencentcloud-sdk-go dnspod/v20210323/client.go).
//
// Actions: DescribeRecordList (Domain, Subdomain, RecordType, RecordLine,
// Offset, Limit, ErrorOnEmpty; nothing found = ResourceNotFound.NoDataOfRecord),
// ModifyRecord and CreateRecord (SubDomain, RecordType, RecordLine, Value, TTL,
// MX, Weight, Status, Remark). With `subdomainMatch: 'prefix'` the Subdomain
// filter also returns longer names that start with it, as a keyword search
// would, so a client that does not filter again is caught.
//
// The signed host: the Host header as sent, or its name without the port (the
// Node SDK signs `URL.hostname`; the Go and Python SDKs sign the endpoint as given).
const crypto = require('node:crypto');
const net = require('node:net');
const { listenHttp } = require('./listen');

const VERSION = '2021-03-23';
const LINES = { 默认: '0', 电信: '10=0', 联通: '10=1', 移动: '10=3', 境外: '3=0' };
const TYPES = new Set(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'CAA', 'SRV']);

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

function scopeDate(timestamp) {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

async function start(options = {}) {
  /** secretId -> secretKey */
  const keys = options.keys ?? { AKIDfakeDnspod0123456789abcdefgh: 'fakeDnspodSecretKey0123456789abcd' };
  /** secretIds whose CAM policy lacks the DNSPod actions */
  const unauthorized = new Set(options.unauthorized ?? []);
  const domains = new Set(options.domains ?? ['example.com']);
  const subdomainMatch = options.subdomainMatch ?? 'exact';
  const clock = options.now ?? (() => Math.floor(Date.now() / 1000));
  let nextId = 1_000_001;
  /** [{Domain, RecordId, Name, Type, Line, LineId, Value, TTL, MX, Weight, Status, Remark, UpdatedOn, MonitorStatus, DefaultNS}] */
  let records = [];
  const requests = [];
  /** answers for the next requests: {code, message} (a Tencent error) or {raw: {status, headers, body}} */
  const queued = [];

  function verify(req, raw) {
    const header = req.headers.authorization ?? '';
    const m = /^TC3-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/,\s]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(header);
    if (!m) return ['AuthFailure.InvalidAuthorization', 'Authorization header is not a TC3-HMAC-SHA256 authorization'];
    const [, secretId, date, service, signedHeaders, signature] = m;
    const secretKey = keys[secretId];
    if (secretKey === undefined) return ['AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.'];
    const timestamp = Number(req.headers['x-tc-timestamp']);
    if (!Number.isInteger(timestamp)) return ['MissingParameter', 'The request is missing a required parameter `Timestamp`.'];
    if (Math.abs(clock() - timestamp) > 300) return ['AuthFailure.SignatureExpire', 'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.'];
    if (service !== 'dnspod' || date !== scopeDate(timestamp)) return ['AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.'];
    const names = signedHeaders.split(';');
    if (!names.includes('host') || !names.includes('content-type')) return ['AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.'];
    const host = String(req.headers.host ?? '');
    const hostForms = [host, host.replace(/:\d+$/, '')];
    const path = new URL(req.url, 'http://x').pathname;
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    for (const hostForm of hostForms) {
      const canonicalHeaders = names.map((n) => `${n}:${String(n === 'host' ? hostForm : req.headers[n] ?? '').trim().toLowerCase()}\n`).join('');
      const canonical = [req.method, path, query, canonicalHeaders, signedHeaders, sha256(raw)].join('\n');
      const toSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, sha256(canonical)].join('\n');
      const kSigning = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
      const expected = crypto.createHmac('sha256', kSigning).update(toSign).digest('hex');
      if (crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
        if (unauthorized.has(secretId)) return ['AuthFailure.UnauthorizedOperation', 'The request is not authorized. Please check the CAM documentation for the authentication description.'];
        return undefined;
      }
    }
    return ['AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.'];
  }

  const publicRecord = (r) => ({
    RecordId: r.RecordId,
    Value: r.Value,
    Status: r.Status,
    UpdatedOn: r.UpdatedOn,
    Name: r.Name,
    Line: r.Line,
    LineId: r.LineId,
    Type: r.Type,
    Weight: r.Weight,
    MonitorStatus: '',
    Remark: r.Remark,
    TTL: r.TTL,
    MX: r.MX,
    DefaultNS: false,
  });

  function checkValue(type, value) {
    if (typeof value !== 'string' || value === '') return ['MissingParameter', 'The request is missing a required parameter `Value`.'];
    if (type === 'A' && net.isIPv4(value) === false) return ['InvalidParameter.RecordValueInvalid', 'The record value is incorrect.'];
    if (type === 'AAAA' && net.isIPv6(value) === false) return ['InvalidParameter.RecordValueInvalid', 'The record value is incorrect.'];
    return undefined;
  }

  function act(action, p) {
    if (typeof p.Domain !== 'string' || p.Domain === '') return { error: ['MissingParameter', 'The request is missing a required parameter `Domain`.'] };
    if (!domains.has(p.Domain.toLowerCase())) return { error: ['InvalidParameterValue.DomainNotExists', 'The current domain is incorrect. Return to the previous step and try again.'] };
    const domain = p.Domain.toLowerCase();
    const lineOf = (name) => (name === undefined ? '默认' : name);
    if (action === 'DescribeRecordList') {
      const line = p.RecordLine;
      if (line !== undefined && !(line in LINES)) return { error: ['InvalidParameter.RecordLineInvalid', 'The record split zone is incorrect.'] };
      const limit = p.Limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 3000) return { error: ['InvalidParameterValue.LimitInvalid', 'Error in number of entries per page.'] };
      const sub = typeof p.Subdomain === 'string' ? p.Subdomain.toLowerCase() : undefined;
      const found = records.filter(
        (r) =>
          r.Domain === domain &&
          (sub === undefined || r.Name === sub || (subdomainMatch === 'prefix' && r.Name.startsWith(sub))) &&
          (p.RecordType === undefined || r.Type === p.RecordType) &&
          (line === undefined || r.Line === line),
      );
      const offset = p.Offset ?? 0;
      const page = found.slice(offset, offset + limit);
      if (found.length === 0 && p.ErrorOnEmpty !== 'no') return { error: ['ResourceNotFound.NoDataOfRecord', 'The record list is empty.'] };
      return { RecordCountInfo: { SubdomainCount: found.length, ListCount: page.length, TotalCount: found.length }, RecordList: page.map(publicRecord) };
    }
    if (action === 'ModifyRecord' || action === 'CreateRecord') {
      const type = p.RecordType;
      if (typeof type !== 'string' || !TYPES.has(type)) return { error: ['InvalidParameter.RecordTypeInvalid', 'The record type is incorrect.'] };
      const line = lineOf(p.RecordLine);
      if (!(line in LINES) || (p.RecordLineId !== undefined && p.RecordLineId !== LINES[line])) return { error: ['InvalidParameter.RecordLineInvalid', 'The record split zone is incorrect.'] };
      const bad = checkValue(type, p.Value);
      if (bad) return { error: bad };
      if (p.TTL !== undefined && (!Number.isInteger(p.TTL) || p.TTL < 1 || p.TTL > 604800)) return { error: ['LimitExceeded.RecordTtlLimit', 'The TTL value of the record exceeds the limit.'] };
      if (p.Weight !== undefined && (!Number.isInteger(p.Weight) || p.Weight < 0 || p.Weight > 100)) return { error: ['InvalidParameter.InvalidWeight', 'The weight is invalid. Enter an integer between 0 and 100.'] };
      if (p.Status !== undefined && p.Status !== 'ENABLE' && p.Status !== 'DISABLE') return { error: ['InvalidParameter.ParamInvalid', 'Parameter format error.'] };
      const name = (p.SubDomain ?? '@').toLowerCase();
      if (!/^(@|\*|(\*\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*)$/.test(name)) return { error: ['InvalidParameter.SubdomainInvalid', 'The subdomain is incorrect.'] };
      const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
      if (action === 'ModifyRecord') {
        const record = records.find((r) => r.Domain === domain && r.RecordId === p.RecordId);
        if (!record) return { error: ['InvalidParameter.RecordIdInvalid', 'The record number is incorrect.'] };
        // what ModifyRecord is not sent falls back to its defaults, as on the real API: the reason clients send fields back
        Object.assign(record, {
          Name: name,
          Type: type,
          Line: line,
          LineId: LINES[line],
          Value: p.Value,
          TTL: p.TTL ?? 600,
          MX: p.MX ?? 0,
          Weight: p.Weight ?? null,
          Status: p.Status ?? 'ENABLE',
          Remark: p.Remark ?? '',
          UpdatedOn: now,
        });
        return { RecordId: record.RecordId };
      }
      if (records.some((r) => r.Domain === domain && r.Name === name && r.Type === type && r.Line === line && r.Value === p.Value)) {
        return { error: ['InvalidParameter.DomainRecordExist', 'The record already exists and does not need to be added again.'] };
      }
      const record = { Domain: domain, RecordId: nextId++, Name: name, Type: type, Line: line, LineId: LINES[line], Value: p.Value, TTL: p.TTL ?? 600, MX: p.MX ?? 0, Weight: p.Weight ?? null, Status: p.Status ?? 'ENABLE', Remark: p.Remark ?? '', UpdatedOn: now };
      records.push(record);
      return { RecordId: record.RecordId };
    }
    return { error: ['InvalidAction', `The action \`${action}\` is not found.`] };
  }

  const server = await listenHttp((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const action = String(req.headers['x-tc-action'] ?? '');
      let params;
      try {
        params = raw === '' ? {} : JSON.parse(raw);
      } catch {
        params = undefined;
      }
      const entry = { action, params, headers: req.headers, host: req.headers.host, method: req.method };
      requests.push(entry);
      const requestId = crypto.randomUUID();
      const reply = (response) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Response: { ...response, RequestId: requestId } }));
      };
      const fail = ([code, message]) => {
        entry.error = code;
        reply({ Error: { Code: code, Message: message } });
      };
      const next = queued.shift();
      if (next && next.raw) {
        res.writeHead(next.raw.status ?? 200, { 'content-type': 'application/json', ...(next.raw.headers ?? {}) });
        res.end(next.raw.body ?? '');
        return;
      }
      if (req.method !== 'POST') return fail(['InvalidParameter', 'Only POST with a JSON body is served here.']);
      const refused = verify(req, raw);
      if (refused) return fail(refused);
      if (next) return fail([next.code, next.message ?? 'injected']);
      if (req.headers['x-tc-version'] !== VERSION) return fail(['InvalidParameterValue', `The Version ${req.headers['x-tc-version']} is not supported.`]);
      if (!params || typeof params !== 'object') return fail(['InvalidParameter', 'The request body is not JSON.']);
      const out = act(action, params);
      if (out.error) return fail(out.error);
      entry.ok = true;
      reply(out);
    });
  });

  return {
    url: server.origin,
    port: server.port,
    keys,
    records: () => records,
    requests,
    count: (action) => requests.filter((r) => r.action === action && r.ok).length,
    /** a record as the console would add it; returns it */
    addRecord(record) {
      const full = { Domain: 'example.com', Line: '默认', TTL: 600, MX: 0, Weight: null, Status: 'ENABLE', Remark: '', UpdatedOn: '2026-01-01 00:00:00', ...record, RecordId: nextId++ };
      full.LineId = LINES[full.Line];
      records.push(full);
      return full;
    },
    /** the values held for a full name and type, sorted */
    values(fullName, type, domain = 'example.com') {
      const name = fullName === domain ? '@' : fullName.slice(0, -(domain.length + 1));
      return records.filter((r) => r.Domain === domain && r.Name === name && r.Type === type).map((r) => r.Value).sort();
    },
    /** the next `count` signed requests are answered with this Tencent error code (after the signature check) */
    inject(code, message, count = 1) {
      for (let i = 0; i < count; i++) queued.push({ code, message });
    },
    /** the next request gets this raw HTTP answer, whatever it asks */
    injectRaw(raw) {
      queued.push({ raw });
    },
    reset() {
      requests.length = 0;
      queued.length = 0;
    },
    clearRecords() {
      records = [];
    },
    close: () => server.close(),
  };
}

module.exports = { start };
