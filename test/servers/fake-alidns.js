'use strict';
// An Alidns (API 2015-01-09) server on loopback for tests and benchmarks. It
// checks requests the way Alibaba's gateway does: RPC signature 1.0
// (HMAC-SHA1, verified independently of the client's signer), a timestamp
// within 15 minutes of its own settable clock (InvalidTimeStamp.Expired with a
// true Date header otherwise), nonces used once. It keeps records in memory per
// domain and implements the record actions a DDNS client needs, answering in
// Alibaba's JSON shapes and error codes. It counts requests per action, can
// answer slowly, and can be told to misbehave for the next N requests.
const { listenHttp } = require('./listen');
const crypto = require('node:crypto');
const net = require('node:net');
const { domainToASCII } = require('node:url');

const VERSION = '2015-01-09';
const MAX_SKEW_MS = 15 * 60 * 1000;
const TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA', 'REDIRECT_URL', 'FORWARD_URL']);

// Written from the documentation, not shared with src/: the point is to catch a client that signs wrongly.
function rfc3986(text) {
  const bytes = Buffer.from(String(text), 'utf8');
  let out = '';
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function expectedSignature(params, secret, method) {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(params[k])}`)
    .join('&');
  const toSign = `${method}&${rfc3986('/')}&${rfc3986(canonical)}`;
  return { toSign, signature: crypto.createHmac('sha1', `${secret}&`).update(toSign, 'utf8').digest('base64') };
}

function parseQuery(raw) {
  const params = {};
  if (!raw) return params;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const decode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    params[key] = eq < 0 ? '' : decode(part.slice(eq + 1));
  }
  return params;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// What Alibaba answers for each fault a test can inject (codes and statuses as the real gateway uses them:
// throttling comes back as HTTP 400, not 429).
const FAULTS = {
  throttle: { status: 400, code: 'Throttling.User', message: 'Request was denied due to user flow control.' },
  throttleApi: { status: 400, code: 'Throttling', message: 'Request was denied due to request throttling.' },
  serverError: { status: 500, code: 'InternalError', message: 'The request processing has failed due to some unknown error.' },
  unavailable: { status: 503, code: 'ServiceUnavailable', message: 'The request has failed due to a temporary failure of the server.' },
  ttlQuota: { status: 400, code: 'QuotaExceeded.TTL', message: 'The TTL value is less than the minimum value allowed for the edition.' },
  forbidden: { status: 403, code: 'Forbidden.RAM', message: "User not authorized to operate on the specified resource, or this API doesn't support RAM." },
  incorrectDomainUser: { status: 400, code: 'IncorrectDomainUser', message: 'The domain name does not belong to this user.' },
  badGateway: { status: 502, html: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
  // a write while the previous one on the domain is still being applied; terraform-provider-alicloud retries it
  lastOperation: { status: 400, code: 'LastOperationNotFinished', message: 'Last operation is not finished, please try again later.' },
  // spelt so in the error tables of UpdateDomainRecord and AddDomainRecord, and answered with HTTP 400
  unKnownError: { status: 400, code: 'UnKnownError', message: 'There is an unknown error in system.' },
  domainNotExist: { status: 400, code: 'DomainNotExist', message: 'The domain name does not exist.' },
};

/**
 * options:
 *   keys: { accessKeyId: secret }                (default { testid: 'testsecret' })
 *   inactiveKeys: [accessKeyId]                   keys that answer InvalidAccessKeyId.Inactive
 *   deny: { accessKeyId: [Action] }               RAM: these actions answer Forbidden.RAM for that key
 *   domains: [name]                               domains in the account (default ['example.com'])
 *   minTtl: smallest TTL accepted (default 600, the free edition's floor)
 *   latencyMs: delay before every answer
 *   clockOffsetMs: the server's clock is this far ahead of the machine's
 *   onRequest(record): called for every request before it is answered
 */
async function start(options = {}) {
  const keys = new Map(Object.entries(options.keys || { testid: 'testsecret' }));
  const inactive = new Set(options.inactiveKeys || []);
  const deny = options.deny || {};
  const minTtl = options.minTtl === undefined ? 600 : options.minTtl;
  let latencyMs = options.latencyMs || 0;
  let clockOffsetMs = options.clockOffsetMs || 0;
  let onRequest = options.onRequest;
  let quirks = {};
  const records = new Map(); // domain -> [record], newest last
  const counts = {};
  const requests = [];
  const faults = [];
  const nonces = new Set();
  let nextId = 1_000_000_000_000_000_000n; // 19 digits, past 2^53 like real RecordIds
  for (const domain of options.domains || ['example.com']) addDomain(domain);

  function now() {
    return Date.now() + clockOffsetMs;
  }
  /** Sets the server's clock to `ms` (it runs on from there). */
  function setClock(ms) {
    clockOffsetMs = ms - Date.now();
  }
  function setLatency(ms) {
    latencyMs = ms;
  }
  function addDomain(name) {
    if (!records.has(name.toLowerCase())) records.set(name.toLowerCase(), []);
  }
  function addRecord(domain, spec) {
    const list = records.get(domain.toLowerCase());
    if (!list) throw new Error(`fake-alidns: no domain ${domain}`);
    const record = {
      RecordId: String(nextId++),
      RR: spec.RR,
      Type: spec.Type || 'A',
      Value: spec.Value,
      TTL: spec.TTL === undefined ? 600 : spec.TTL,
      Line: spec.Line || 'default',
      Status: 'ENABLE',
      Locked: false,
      Weight: 1,
    };
    if (spec.Priority !== undefined) record.Priority = spec.Priority;
    list.push(record);
    return record.RecordId;
  }
  function findById(id) {
    for (const [domain, list] of records) {
      const index = list.findIndex((r) => r.RecordId === id);
      if (index >= 0) return { domain, list, index, record: list[index] };
    }
    return undefined;
  }
  function deleteRecord(id) {
    const hit = findById(id);
    if (hit) hit.list.splice(hit.index, 1);
    return Boolean(hit);
  }
  /** Records of one domain, optionally only one RR (exact, case-insensitive) and type. */
  function list(domain, rr, type) {
    return (records.get(domain.toLowerCase()) || []).filter(
      (r) => (rr === undefined || r.RR.toLowerCase() === rr.toLowerCase()) && (type === undefined || r.Type === type),
    );
  }
  function clearRecords() {
    for (const list of records.values()) list.length = 0;
  }
  function count(action) {
    return counts[action] || 0;
  }
  function reset() {
    for (const key of Object.keys(counts)) delete counts[key];
    requests.length = 0;
    faults.length = 0;
    quirks = {};
  }

  /**
   * The next `count` requests (default 1; Infinity = until cleared), of `action` (a name or a list) if given,
   * get this fault: a name from FAULTS ('throttle', 'serverError', 'ttlQuota', 'forbidden', ...),
   * 'hang' (never answer), 'reset' (drop the connection), a custom {status, code, message} error, or a raw
   * {status, body} answer. A custom message may be a function of {params, rawQuery, toSign}: an answer that
   * echoes the request.
   */
  function inject(fault) {
    const spec = typeof fault === 'string' ? { type: fault } : { ...fault };
    spec.remaining = spec.count === undefined ? 1 : spec.count;
    spec.actions = spec.action === undefined ? undefined : [].concat(spec.action);
    faults.push(spec);
  }
  function clearFaults() {
    faults.length = 0;
  }
  function takeFault(action) {
    const fault = faults.find((f) => f.remaining > 0 && (!f.actions || f.actions.includes(action)));
    if (!fault) return undefined;
    fault.remaining--;
    return fault;
  }

  // ----- the API actions ------------------------------------------------------------------------

  function requireParam(params, name) {
    const value = params[name];
    if (value === undefined || value === '') {
      throw new ApiError(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
    }
    return value;
  }
  function domainList(name) {
    const list = records.get(String(name).toLowerCase());
    if (!list) throw new ApiError(400, 'IncorrectDomainUser', 'The domain name does not belong to this user.');
    return list;
  }
  function paging(params) {
    const page = params.PageNumber === undefined ? 1 : Number(params.PageNumber);
    const size = params.PageSize === undefined ? 20 : Number(params.PageSize);
    if (!Number.isInteger(page) || page < 1) throw new ApiError(400, 'InvalidPageNumber', 'The specified PageNumber is invalid.');
    if (!Number.isInteger(size) || size < 1 || size > 500) throw new ApiError(400, 'InvalidPageSize', 'The specified PageSize is invalid.');
    return { page, size };
  }
  /** Records in an answer carry their DomainName, as the real API's do (unless a quirk says otherwise). */
  function asListed(domain, record) {
    if (quirks.omitDomainName) return { ...record };
    const name = quirks.domainNameAs === 'ascii' ? domainToASCII(domain) : domain;
    return { DomainName: name, ...record };
  }
  /** `found`: [domain, record] pairs, oldest first. */
  function pageOf(found, params) {
    const { page, size } = paging(params);
    // the console and the API list newest first
    const ordered = found.slice().reverse();
    const slice = ordered.slice((page - 1) * size, page * size).map(([domain, r]) => asListed(domain, r));
    return { TotalCount: found.length, PageNumber: page, PageSize: size, DomainRecords: { Record: slice } };
  }
  /** A misbehaving listing: the records of `quirks.alsoFrom` that pass `keep` ride along (never in a healthy answer). */
  function foreign(keep) {
    if (!quirks.alsoFrom) return [];
    return (records.get(quirks.alsoFrom.toLowerCase()) || []).filter(keep).map((r) => [quirks.alsoFrom.toLowerCase(), r]);
  }
  function checkValue(type, value) {
    const ok =
      type === 'A' ? net.isIPv4(value) : type === 'AAAA' ? net.isIPv6(value) : type === 'TXT' ? value.length <= 512 : /^[A-Za-z0-9_.*-]+$/.test(value);
    if (!ok) throw new ApiError(400, 'InvalidValue', `The specified value ${value} is invalid for a ${type} record.`);
  }
  function writeSpec(params) {
    const spec = {
      RR: requireParam(params, 'RR'),
      Type: requireParam(params, 'Type').toUpperCase(),
      Value: requireParam(params, 'Value'),
      TTL: params.TTL === undefined ? 600 : Number(params.TTL),
      Line: params.Line || 'default',
    };
    if (!TYPES.has(spec.Type)) throw new ApiError(400, 'InvalidType', `The specified record type ${spec.Type} is invalid.`);
    if (!/^(@|\*|(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)$/.test(spec.RR)) throw new ApiError(400, 'InvalidRR', 'The specified RR is invalid.');
    if (!Number.isInteger(spec.TTL) || spec.TTL > 86400) throw new ApiError(400, 'InvalidTTL', 'The specified TTL is invalid.');
    if (spec.TTL < minTtl) throw new ApiError(400, 'QuotaExceeded.TTL', 'The TTL value is less than the minimum value allowed for the edition.');
    checkValue(spec.Type, spec.Value);
    if (spec.Type === 'MX') spec.Priority = params.Priority === undefined ? 5 : Number(params.Priority);
    return spec;
  }
  // host records compare case-insensitively, as DNS names do
  function sameSlot(a, b) {
    return a.RR.toLowerCase() === b.RR.toLowerCase() && a.Type === b.Type && a.Line === b.Line && a.Value === b.Value;
  }
  const duplicate = () => new ApiError(400, 'DomainRecordDuplicate', 'The DNS record already exists.');
  const notMine = () => new ApiError(400, 'DomainRecordNotBelongToUser', 'The DNS record does not belong to you.');

  const actions = {
    DescribeSubDomainRecords(params) {
      const sub = requireParam(params, 'SubDomain').toLowerCase();
      // without DomainName the real server guesses the zone from the last two labels
      const domain = (params.DomainName || sub.split('.').slice(-2).join('.')).toLowerCase();
      const list = domainList(domain);
      let rr;
      if (sub === domain) rr = '@';
      else if (sub.endsWith(`.${domain}`)) rr = sub.slice(0, -(domain.length + 1));
      else throw new ApiError(400, 'InvalidParameter.SubDomain', 'The SubDomain does not belong to the domain.');
      const keep = (r) =>
        r.RR.toLowerCase() === rr && (!params.Type || r.Type === params.Type.toUpperCase()) && (!params.Line || r.Line === params.Line);
      return pageOf([...foreign(keep), ...list.filter(keep).map((r) => [domain, r])], params);
    },
    DescribeDomainRecords(params) {
      const domain = requireParam(params, 'DomainName').toLowerCase();
      const list = domainList(domain);
      // RRKeyWord and ValueKeyWord are fuzzy (%word%) as on the real server: why a client must not rely on them
      const rrWord = params.RRKeyWord && params.RRKeyWord.toLowerCase();
      const valueWord = params.ValueKeyWord && params.ValueKeyWord.toLowerCase();
      const keep = (r) =>
        (!rrWord || r.RR.toLowerCase().includes(rrWord)) &&
        (!params.TypeKeyWord || r.Type === params.TypeKeyWord.toUpperCase()) &&
        (!valueWord || r.Value.toLowerCase().includes(valueWord)) &&
        (!params.Line || r.Line === params.Line);
      return pageOf([...foreign(keep), ...list.filter(keep).map((r) => [domain, r])], params);
    },
    DescribeDomainRecordInfo(params) {
      const hit = findById(requireParam(params, 'RecordId'));
      if (!hit) throw notMine();
      return { DomainName: hit.domain, ...hit.record };
    },
    AddDomainRecord(params) {
      const domain = requireParam(params, 'DomainName').toLowerCase();
      const list = domainList(domain);
      const spec = writeSpec(params);
      if (list.some((r) => sameSlot(r, spec))) throw duplicate();
      // the server keeps host records in lower case (tests may plant mixed case with addRecord)
      return { RecordId: addRecord(domain, { ...spec, RR: spec.RR.toLowerCase() }) };
    },
    UpdateDomainRecord(params) {
      const id = requireParam(params, 'RecordId');
      const hit = findById(id);
      if (!hit) throw notMine();
      const spec = writeSpec(params);
      const r = hit.record;
      const unchanged = sameSlot(r, spec) && r.TTL === spec.TTL && (spec.Priority === undefined || r.Priority === spec.Priority);
      if (unchanged || hit.list.some((other) => other !== r && sameSlot(other, spec))) throw duplicate();
      Object.assign(r, { RR: spec.RR.toLowerCase(), Type: spec.Type, Value: spec.Value, TTL: spec.TTL, Line: spec.Line });
      if (spec.Priority !== undefined) r.Priority = spec.Priority;
      return { RecordId: id };
    },
    DeleteDomainRecord(params) {
      const id = requireParam(params, 'RecordId');
      if (!deleteRecord(id)) throw notMine();
      return { RecordId: id };
    },
  };

  // ----- the gateway --------------------------------------------------------------------------

  function authenticate(req, params) {
    for (const name of ['SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Signature']) {
      if (!params[name]) throw new ApiError(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards (missing ${name}).`);
    }
    for (const name of ['Action', 'Version', 'AccessKeyId', 'Timestamp']) requireParam(params, name);
    if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') {
      throw new ApiError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
    }
    if (params.Version !== VERSION) throw new ApiError(400, 'InvalidVersion', `Specified parameter Version is not valid.`);
    const secret = keys.get(params.AccessKeyId);
    if (secret === undefined) throw new ApiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if (inactive.has(params.AccessKeyId)) throw new ApiError(400, 'InvalidAccessKeyId.Inactive', 'Specified access key is disabled.');
    const match = TIMESTAMP.exec(params.Timestamp);
    const at = match ? Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6]) : NaN;
    if (!Number.isFinite(at)) throw new ApiError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
    if (Math.abs(at - now()) > MAX_SKEW_MS) throw new ApiError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    const { toSign, signature } = expectedSignature(params, secret, req.method);
    const given = Buffer.from(params.Signature);
    const wanted = Buffer.from(signature);
    if (given.length !== wanted.length || !crypto.timingSafeEqual(given, wanted)) {
      throw new ApiError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${toSign}`);
    }
    // only a verified request uses up its nonce, so nobody can burn another client's nonces
    const nonceKey = `${params.AccessKeyId}/${params.SignatureNonce}`;
    if (nonces.has(nonceKey)) throw new ApiError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    nonces.add(nonceKey);
    if ((deny[params.AccessKeyId] || []).includes(params.Action)) {
      throw new ApiError(403, 'Forbidden.RAM', "User not authorized to operate on the specified resource, or this API doesn't support RAM.");
    }
  }

  function send(res, status, body, extraHeaders = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Date', new Date(now()).toUTCString());
    res.setHeader('Content-Type', typeof body === 'string' ? 'text/html' : 'application/json;charset=utf-8');
    for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
    res.end(text);
  }

  function errorBody(code, message, requestId) {
    return {
      RequestId: requestId,
      HostId: 'alidns.aliyuncs.com',
      Code: code,
      Message: message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}`,
    };
  }

  /** What a server could echo of a request: its raw query and the string it would sign for it. */
  function echoOf(req, params, record) {
    const secret = keys.get(params.AccessKeyId) || '';
    return { params, rawQuery: record.rawQuery, toSign: expectedSignature(params, secret, req.method).toSign };
  }

  function answer(req, res, params, record) {
    const requestId = crypto.randomUUID().toUpperCase();
    record.requestId = requestId;
    const fault = takeFault(record.action);
    if (fault) {
      record.fault = fault.type || fault.code;
      if (fault.type === 'hang') return; // never answers; the client's deadline or signal has to end it
      if (fault.type === 'reset') return req.socket.destroy();
      const spec = FAULTS[fault.type] || fault;
      record.status = spec.status;
      if (spec.html) return send(res, spec.status, spec.html);
      if (spec.body !== undefined) return send(res, spec.status || 200, String(spec.body), { 'Content-Type': 'application/json' });
      record.code = spec.code;
      // a message may echo the request back, as Alibaba's SignatureDoesNotMatch does with its string to sign
      const message = typeof spec.message === 'function' ? spec.message(echoOf(req, params, record)) : spec.message;
      return send(res, spec.status, errorBody(spec.code, message, requestId));
    }
    try {
      authenticate(req, params);
      const action = actions[params.Action];
      if (!action) throw new ApiError(404, 'InvalidAction.NotFound', `Specified api ${params.Action} is not found.`);
      const body = { RequestId: requestId, ...action(params) };
      record.status = 200;
      send(res, 200, body);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      record.status = err.status;
      record.code = err.code;
      send(res, err.status, errorBody(err.code, err.message, requestId));
    }
  }

  function handler(req, res) {
    res.on('error', () => {});
    const url = new URL(req.url, 'http://127.0.0.1');
    const rawQuery = url.search.slice(1);
    let params;
    try {
      params = parseQuery(rawQuery);
    } catch {
      params = {};
    }
    const record = { method: req.method, path: url.pathname, action: params.Action, params, rawQuery, userAgent: req.headers['user-agent'] };
    requests.push(record);
    counts[record.action] = (counts[record.action] || 0) + 1;
    if (onRequest) onRequest(record, requests.length);
    if (latencyMs > 0) {
      const timer = setTimeout(() => answer(req, res, params, record), latencyMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    answer(req, res, params, record);
  }

  const listening = await listenHttp(handler);

  return {
    url: listening.origin,
    port: listening.port,
    records,
    counts,
    requests,
    count,
    list,
    addDomain,
    addRecord,
    deleteRecord,
    findById: (id) => findById(id)?.record,
    clearRecords,
    inject,
    clearFaults,
    reset,
    setClock,
    setLatency,
    /**
     * Makes listings misbehave until cleared with {}: `alsoFrom: 'victim.org'` adds that domain's matching
     * records (with their own DomainName), `omitDomainName: true` leaves DomainName out of every record,
     * `domainNameAs: 'ascii'` writes it in its ASCII (punycode) form.
     */
    setListingQuirks(next) {
      quirks = { ...(next || {}) };
    },
    /** Calls fn(record) for every request before it is answered (e.g. to change records meanwhile); null clears. */
    setOnRequest(fn) {
      onRequest = fn || undefined;
    },
    now,
    get nonceCount() {
      return nonces.size;
    },
    close: () => listening.close(),
  };
}

module.exports = { start, FAULTS, expectedSignature };
