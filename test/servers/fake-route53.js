'use strict';
// An Amazon Route 53 stand-in on loopback, speaking the REST API 2013-04-01
// (https://docs.aws.amazon.com/Route53/latest/APIReference/): ListHostedZonesByName,
// ListResourceRecordSets, ChangeResourceRecordSets (CREATE, DELETE, UPSERT) and
// GetChange, in XML. Every request must be signed with SigV4 for us-east-1 and
// route53: the signature is recomputed here from the request and the key's
// secret, after https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
// (written apart from the package's signer, so the two check each other).
// Errors take the common shape (CommonErrors.html): 403 <ErrorResponse><Error>
// <Type>Sender</Type><Code>SignatureDoesNotMatch|InvalidClientTokenId|
// MissingAuthenticationToken|AccessDenied</Code>, 404 NoSuchHostedZone /
// NoSuchChange, 400 InvalidChangeBatch (since 2024 in the common shape too:
// aws/aws-sdk-kotlin#1435), 400 Throttling; x-amzn-RequestId on every answer.
// Names in answers end with a dot and write `*` as `\052`, as Route 53 does.
const crypto = require('node:crypto');
const { listenHttp } = require('./listen');

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const ERROR_TEXT = {
  SignatureDoesNotMatch: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  InvalidClientTokenId: 'The security token included in the request is invalid.',
  MissingAuthenticationToken: 'Missing Authentication Token',
  IncompleteSignature: 'Authorization header requires Credential, SignedHeaders and Signature.',
  AccessDenied: 'User is not authorized to perform this action',
  Throttling: 'Rate exceeded',
  PriorRequestNotComplete: 'The request was rejected because Route 53 was still processing a prior request.',
};

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();
const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** `home.example.com` -> `home.example.com.`, `*` as `\052` */
const shownName = (name) => `${name.replace(/\*/g, '\\052')}.`;
/** a name as Route 53 compares it: lower case, no trailing dot, `\052` as `*` */
const plain = (name) => String(name).replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8))).toLowerCase().replace(/\.$/, '');
/** Route 53 lists names in the order of their labels read right to left */
const sortKey = (name) => name.split('.').reverse().join('.');
const isV4 = (v) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(v);
const isV6 = (v) => require('node:net').isIPv6(v);

/** The SigV4 check: undefined when the signature is right, else the error code to answer. */
function checkSignature(req, rawBody, keys, now) {
  const auth = req.headers.authorization;
  if (!auth) return 'MissingAuthenticationToken';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return 'IncompleteSignature';
  const [, keyId, day, region, service, signedHeaders, signature] = m;
  const secret = keys[keyId];
  if (secret === undefined) return 'InvalidClientTokenId';
  const amzDate = req.headers['x-amz-date'];
  const names = signedHeaders.split(';');
  if (!amzDate || !amzDate.startsWith(day) || region !== 'us-east-1' || service !== 'route53' || !names.includes('host') || !names.includes('x-amz-date')) return 'SignatureDoesNotMatch';
  const at = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  if (!Number.isFinite(at) || Math.abs(now() - at) > 5 * 60_000) return 'RequestExpired';
  const [rawPath, rawQuery = ''] = req.url.split('?');
  // not S3: the path as sent (encoded once) is encoded once more, segment by segment
  const path = rawPath.split('/').map((s) => rfc3986(s)).join('/');
  const query = rawQuery
    .split('&')
    .filter(Boolean)
    .map((p) => p.split('='))
    .map(([k, v = '']) => [rfc3986(decodeURIComponent(k.replace(/\+/g, ' '))), rfc3986(decodeURIComponent(v.replace(/\+/g, ' ')))])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const bodyHash = sha256(rawBody);
  const claimed = req.headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== bodyHash) return 'SignatureDoesNotMatch';
  const canonical = [req.method, path, query, headers, signedHeaders, bodyHash].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, `${day}/${region}/${service}/aws4_request`, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  const expected = crypto.createHmac('sha256', key).update(toSign).digest('hex');
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature)) ? undefined : 'SignatureDoesNotMatch';
}

/** The few elements of a ChangeResourceRecordSetsRequest, read with patterns: the request is ours or the SDK's. */
function readChanges(xml) {
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<ChangeResourceRecordSetsRequest[\s>]/.test(xml)) return undefined;
  const text = (block, name) => {
    const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(block);
    return m ? m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&') : undefined;
  };
  return [...xml.matchAll(/<Change>([\s\S]*?)<\/Change>/g)].map(([, block]) => ({
    action: text(block, 'Action'),
    name: text(block, 'Name'),
    type: text(block, 'Type'),
    ttl: text(block, 'TTL'),
    setIdentifier: text(block, 'SetIdentifier'),
    alias: /<AliasTarget>/.test(block) ? text(block.slice(block.indexOf('<AliasTarget>')), 'DNSName') : undefined,
    values: [...block.matchAll(/<ResourceRecord>\s*<Value>([^<]*)<\/Value>\s*<\/ResourceRecord>/g)].map((v) => v[1]),
  }));
}

/**
 * options.keys: {accessKeyId: secret} (default one key); options.denied: key ids
 * whose policy allows nothing (AccessDenied); options.zones: [{name, id?, private?}];
 * options.pendingPolls: how many GetChange answers say PENDING before INSYNC (default 0:
 * the first says INSYNC); options.insyncAtOnce: ChangeResourceRecordSets answers INSYNC itself;
 * settings.pollFault ({status, code, message}), set by a test: every GetChange fails so.
 */
async function start(options = {}) {
  const keys = options.keys ?? { AKIAIOSFODNN7EXAMPLE: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const denied = new Set(options.denied ?? []);
  const now = options.now ?? (() => Date.now());
  let serial = 0;
  const zones = (options.zones ?? [{ name: 'example.com' }]).map((z, i) => ({
    id: z.id ?? `Z${String(1000 + i)}ROUTE53FAKE${i}`,
    name: plain(z.name),
    private: z.private === true,
  }));
  /** by zone id: Map `name/type` -> {name, type, ttl, values, alias?, setIdentifier?} */
  const records = new Map(zones.map((z) => [z.id, new Map()]));
  /** by change id: {polls} */
  const changes = new Map();
  const requests = [];
  /** injected answers for the next requests (after the signature check): {status, code, message, headers, count} */
  const faults = [];
  const settings = { pendingPolls: options.pendingPolls ?? 0, insyncAtOnce: options.insyncAtOnce === true };

  const server = await listenHttp((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://x');
      const entry = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body, kind: 'other' };
      requests.push(entry);
      const requestId = crypto.randomUUID();
      const send = (status, xml, headers = {}) => {
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...headers });
        res.end(`<?xml version="1.0"?>\n${xml}`);
      };
      const fail = (status, code, message, headers) =>
        send(status, `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message ?? ERROR_TEXT[code] ?? code)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`, headers);
      const refused = checkSignature(req, body, keys, now);
      if (refused === 'RequestExpired') return fail(403, refused, 'Request has expired.');
      if (refused) return fail(403, refused);
      const keyId = /Credential=([^/]+)/.exec(req.headers.authorization)[1];
      entry.keyId = keyId;
      const fault = faults[0];
      if (fault) {
        if (--fault.count <= 0) faults.shift();
        entry.kind = 'fault';
        return fail(fault.status ?? 400, fault.code ?? 'Throttling', fault.message, fault.headers);
      }
      if (denied.has(keyId)) return fail(403, 'AccessDenied', `User: arn:aws:iam::123456789012:user/ddns is not authorized to perform: route53:${url.pathname.includes('rrset') ? 'ListResourceRecordSets' : 'ListHostedZonesByName'}`);
      route(req.method, url, body, entry, send, fail);
    });
  });

  function route(method, url, body, entry, send, fail) {
    const p = url.pathname;
    const q = url.searchParams;
    if (method === 'GET' && p === '/2013-04-01/hostedzonesbyname') {
      entry.kind = 'zones';
      const start = q.get('dnsname') ? plain(q.get('dnsname')) : '';
      const max = Math.max(1, Math.min(100, Number(q.get('maxitems') ?? 100) || 100));
      const sorted = [...zones].sort((a, b) => (sortKey(a.name) < sortKey(b.name) ? -1 : sortKey(a.name) > sortKey(b.name) ? 1 : a.id < b.id ? -1 : 1));
      const from = sorted.filter((z) => !start || sortKey(z.name) >= sortKey(start));
      const page = from.slice(0, max);
      const next = from[max];
      const items = page
        .map((z) => `<HostedZone><Id>/hostedzone/${z.id}</Id><Name>${shownName(z.name)}</Name><CallerReference>ref-${z.id}</CallerReference><Config><PrivateZone>${z.private}</PrivateZone></Config><ResourceRecordSetCount>${records.get(z.id).size + 2}</ResourceRecordSetCount></HostedZone>`)
        .join('');
      const tail = next ? `<NextDNSName>${shownName(next.name)}</NextDNSName><NextHostedZoneId>${next.id}</NextHostedZoneId>` : '';
      return send(200, `<ListHostedZonesByNameResponse xmlns="${NS}"><HostedZones>${items}</HostedZones>${start ? `<DNSName>${shownName(start)}</DNSName>` : ''}<IsTruncated>${Boolean(next)}</IsTruncated>${tail}<MaxItems>${max}</MaxItems></ListHostedZonesByNameResponse>`);
    }
    const rrset = /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/.exec(p);
    if (rrset) {
      const zone = zones.find((z) => z.id === decodeURIComponent(rrset[1]));
      if (!zone) return fail(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${decodeURIComponent(rrset[1]).slice(0, 40)}`);
      const sets = records.get(zone.id);
      if (method === 'GET') {
        entry.kind = 'read';
        if (q.get('type') && !q.get('name')) return fail(400, 'InvalidInput', 'The input is not valid: type without name');
        const name = q.get('name') ? plain(q.get('name')) : '';
        const type = q.get('type') ?? '';
        const max = Math.max(1, Math.min(300, Number(q.get('maxitems') ?? 300) || 300));
        const all = [...sets.values()].sort((a, b) => (sortKey(a.name) === sortKey(b.name) ? (a.type < b.type ? -1 : 1) : sortKey(a.name) < sortKey(b.name) ? -1 : 1));
        const from = all.filter((r) => !name || sortKey(r.name) > sortKey(name) || (r.name === name && r.type >= type));
        const page = from.slice(0, max);
        const next = from[max];
        const items = page.map((r) => {
          const inner = r.alias
            ? `<AliasTarget><HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>${esc(r.alias)}</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget>`
            : `<TTL>${r.ttl}</TTL><ResourceRecords>${r.values.map((v) => `<ResourceRecord><Value>${esc(v)}</Value></ResourceRecord>`).join('')}</ResourceRecords>`;
          return `<ResourceRecordSet><Name>${shownName(r.name)}</Name><Type>${r.type}</Type>${r.setIdentifier ? `<SetIdentifier>${esc(r.setIdentifier)}</SetIdentifier><Weight>10</Weight>` : ''}${inner}</ResourceRecordSet>`;
        });
        const tail = next ? `<NextRecordName>${shownName(next.name)}</NextRecordName><NextRecordType>${next.type}</NextRecordType>` : '';
        return send(200, `<ListResourceRecordSetsResponse xmlns="${NS}"><ResourceRecordSets>${items.join('')}</ResourceRecordSets><IsTruncated>${Boolean(next)}</IsTruncated>${tail}<MaxItems>${max}</MaxItems></ListResourceRecordSetsResponse>`);
      }
      if (method === 'POST') {
        entry.kind = 'change';
        const list = readChanges(body);
        if (!list || list.length === 0) return fail(400, 'MalformedInput', 'ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest');
        const problems = [];
        const next = new Map(sets);
        for (const c of list) {
          const name = plain(c.name ?? '');
          const key = `${name}/${c.type}`;
          const shown = `[name='${shownName(name)}', type='${c.type}']`;
          if (name !== zone.name && !name.endsWith(`.${zone.name}`)) {
            problems.push(`RRSet with DNS name ${shownName(name)} is not permitted in zone ${shownName(zone.name)}`);
            continue;
          }
          if (c.type === 'A' && !c.values.every(isV4)) problems.push(`Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${c.values.join(',')}''`);
          if (c.type === 'AAAA' && !c.values.every(isV6)) problems.push(`Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '${c.values.join(',')}''`);
          const had = next.get(key);
          if (c.action === 'CREATE' && had) problems.push(`Tried to create resource record set ${shown} but it already exists`);
          else if (c.action === 'DELETE' && !had) problems.push(`Tried to delete resource record set ${shown} but it was not found`);
          else if (c.action === 'UPSERT' && had && (had.alias || had.setIdentifier) && !c.alias && !c.setIdentifier) problems.push(`RRSet of type ${c.type} with DNS name ${shownName(name)} is not permitted because a conflicting RRSet of type ${c.type} with the same DNS name already exists`);
          else if (c.action === 'DELETE') next.delete(key);
          else if (c.action === 'CREATE' || c.action === 'UPSERT') next.set(key, { name, type: c.type, ttl: Number(c.ttl ?? 300), values: c.values });
          else problems.push(`Invalid action ${String(c.action).slice(0, 20)}`);
        }
        if (problems.length > 0) return fail(400, 'InvalidChangeBatch', `[${problems.join(', ')}]`);
        sets.clear();
        for (const [k, v] of next) sets.set(k, v);
        const id = `C${String(++serial).padStart(4, '0')}FAKECHANGE${crypto.randomBytes(3).toString('hex').toUpperCase()}`;
        changes.set(id, { polls: 0 });
        const status = settings.insyncAtOnce ? 'INSYNC' : 'PENDING';
        return send(200, `<ChangeResourceRecordSetsResponse xmlns="${NS}"><ChangeInfo><Id>/change/${id}</Id><Status>${status}</Status><SubmittedAt>${new Date(now()).toISOString()}</SubmittedAt><Comment>${esc(/<Comment>([^<]*)<\/Comment>/.exec(body)?.[1] ?? '')}</Comment></ChangeInfo></ChangeResourceRecordSetsResponse>`);
      }
    }
    const change = /^\/2013-04-01\/change\/([^/]+)$/.exec(p);
    if (change && method === 'GET') {
      entry.kind = 'poll';
      const id = decodeURIComponent(change[1]);
      if (settings.pollFault) return fail(settings.pollFault.status ?? 403, settings.pollFault.code ?? 'AccessDenied', settings.pollFault.message);
      const known = changes.get(id);
      if (!known) return fail(404, 'NoSuchChange', `A change with the specified change ID does not exist: ${id.slice(0, 40)}`);
      known.polls++;
      const status = known.polls > settings.pendingPolls ? 'INSYNC' : 'PENDING';
      return send(200, `<GetChangeResponse xmlns="${NS}"><ChangeInfo><Id>/change/${id}</Id><Status>${status}</Status><SubmittedAt>${new Date(now()).toISOString()}</SubmittedAt></ChangeInfo></GetChangeResponse>`);
    }
    return fail(404, 'UnknownOperationException', `no such operation: ${method} ${p.slice(0, 80)}`);
  }

  const zoneOf = (nameOrId) => zones.find((z) => z.id === nameOrId || z.name === plain(nameOrId));
  return {
    url: server.origin,
    keys,
    zones,
    requests,
    settings,
    zoneId: (name) => zoneOf(name).id,
    /** puts a record set in place: {name, type, ttl?, values?, alias?, setIdentifier?} */
    addRecord(zone, set) {
      const name = plain(set.name);
      records.get(zoneOf(zone).id).set(`${name}/${set.type}`, { ttl: 300, values: [], ...set, name });
    },
    record(name, type, zone) {
      for (const z of zone ? [zoneOf(zone)] : zones) {
        const found = records.get(z.id).get(`${plain(name)}/${type}`);
        if (found) return found;
      }
      return undefined;
    },
    values(name, type) {
      const found = this.record(name, type);
      return found ? [...found.values].sort() : [];
    },
    /** the next `count` requests (after the signature check) are answered with this error */
    inject(fault) {
      faults.push({ count: 1, ...fault });
    },
    count: (kind) => (kind ? requests.filter((r) => r.kind === kind).length : requests.length),
    reset() {
      requests.length = 0;
      faults.length = 0;
    },
    clearRecords() {
      for (const sets of records.values()) sets.clear();
      changes.clear();
    },
    close: () => server.close(),
  };
}

module.exports = { start, checkSignature };
