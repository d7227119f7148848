/**
 * The Route 53 REST API (2013-04-01, XML) calls the updater needs, after the
 * API reference (https://docs.aws.amazon.com/Route53/latest/APIReference/):
 * - ListHostedZonesByName (GET /2013-04-01/hostedzonesbyname?dnsname=&maxitems=)
 *   turns a zone name into its hosted zone id;
 * - ListResourceRecordSets (GET /2013-04-01/hostedzone/ID/rrset?name=&type=&maxitems=1)
 *   reads one record set: the list starts at that name and type, so the
 *   answer is filtered for the exact name and type;
 * - ChangeResourceRecordSets (POST /2013-04-01/hostedzone/ID/rrset, as the SDK sends it) with one
 *   UPSERT writes the whole record set;
 * - GetChange (GET /2013-04-01/change/ID) says whether the change is INSYNC.
 * Every request is signed with SigV4 (./sigv4.ts) for us-east-1, service
 * route53. Errors come as `<ErrorResponse><Error><Code>` or, for a refused
 * change batch, as `<InvalidChangeBatch><Messages><Message>`
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/CommonErrors.html
 * and the actions' Errors sections); their words are passed on masked.
 */
import { DdnsError } from '../../core/errors';
import { serverExcerpt } from '../../core/redact';
import type { HttpResponse } from '../../core/http';
import { statusFailure, type ApiHttp } from '../http-api';
import { signRequest, type SigningKey } from './sigv4';
import { child, children, parseXml, textAt, XML_MAX_BYTES, type XmlElement } from './xml';

export const API_VERSION = '2013-04-01';
export const REGION = 'us-east-1';
export const SERVICE = 'route53';

export interface HostedZone {
  /** `Z1D633PJN98FT9`, without `/hostedzone/` */
  id: string;
  /** without the trailing dot */
  name: string;
  private: boolean;
}

export interface RecordSet {
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  /** an alias record: its target's DNS name */
  alias?: string;
  /** weighted, latency, failover, geolocation...: the record set's identifier */
  setIdentifier?: string;
}

export interface ChangeInfo {
  /** `C2682N5HXP0BZ4`, without `/change/` */
  id: string;
  status: string;
}

export interface Route53Client {
  zonesByName(name: string, signal: AbortSignal): Promise<HostedZone[]>;
  /** the record set of exactly this name and type, if any */
  recordSet(zoneId: string, name: string, type: string, signal: AbortSignal): Promise<RecordSet | undefined>;
  upsert(zoneId: string, set: { name: string; type: string; ttl: number; value: string }, signal: AbortSignal): Promise<ChangeInfo>;
  change(changeId: string, signal: AbortSignal): Promise<ChangeInfo>;
}

export interface ClientOptions {
  endpoint: string;
  key: SigningKey;
  http: ApiHttp;
  now?: () => number;
}

/** Codes that say the signature or the key was refused: the login is wrong (CommonErrors). */
const REFUSED_LOGIN = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'IncompleteSignature', 'MissingAuthenticationToken', 'UnrecognizedClientException', 'InvalidSignatureException', 'AuthFailure']);
const NOT_ALLOWED = new Set(['AccessDenied', 'AccessDeniedException', 'OptInRequired', 'NotAuthorized']);
/** "Rate exceeded" and "the previous request has not yet been processed": both ask to try again later */
const SLOW_DOWN = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete', 'RequestLimitExceeded', 'TooManyRequestsException']);
const MISSING = new Set(['NoSuchHostedZone', 'NoSuchChange']);

/** Route 53 writes a `*` in names as `\052` (and other octets as `\ddd`); lower case, no trailing dot. */
export function plainName(name: string): string {
  return name
    .replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
    .toLowerCase()
    .replace(/\.$/, '');
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The failure an answer says, or undefined for 2xx. */
export function apiFailure(res: HttpResponse, where: string, secrets: readonly string[], now = Date.now()): DdnsError | undefined {
  if (res.status >= 200 && res.status < 300) return undefined;
  let root: XmlElement | undefined;
  try {
    root = parseXml(res.body);
  } catch {
    root = undefined;
  }
  const requestId = header(res, 'x-amzn-requestid') ?? textAt(root, 'RequestId');
  const ids = requestId ? { requestId: requestId.slice(0, 64) } : {};
  const error = child(root, 'Error');
  const code = textAt(error, 'Code')?.slice(0, 64);
  // Route 53 once answered a refused batch with its own root element (<InvalidChangeBatch><Messages>),
  // since 2024 with the common <ErrorResponse> (aws/aws-sdk-kotlin#1435): both are read
  if (root?.name === 'InvalidChangeBatch' || code === 'InvalidChangeBatch') {
    const listed = children(child(root, 'Messages'), 'Message').map((m) => m.text.trim());
    const words = serverExcerpt(listed.join('; ') || textAt(error ?? root, 'Message') || '', secrets, 300);
    return new DdnsError('EPROVIDER', `${where}: Route 53 refused the change (InvalidChangeBatch)${words ? `: ${words}` : ''}`, { providerCode: 'InvalidChangeBatch', statusCode: res.status, ...ids });
  }
  const message = serverExcerpt(textAt(error, 'Message') ?? '', secrets, 200);
  const said = message ? `: ${message}` : '';
  const base = { statusCode: res.status, ...ids, ...(code ? { providerCode: code } : {}) };
  if (code && REFUSED_LOGIN.has(code)) {
    return new DdnsError('EAUTH', `${where}: Route 53 refused the access key (${code}); check the access key id and the secret access key${said}`, base);
  }
  if (code && NOT_ALLOWED.has(code)) {
    return new DdnsError('EFORBIDDEN', `${where}: the access key is not allowed to do this (${code}); its IAM policy needs route53:ListHostedZonesByName, ListResourceRecordSets, ChangeResourceRecordSets and GetChange${said}`, base);
  }
  if ((code && SLOW_DOWN.has(code)) || res.status === 429) {
    const failed = statusFailure({ ...res, status: 429 }, where, message, { now, ...(code ? { providerCode: code } : {}) });
    return new DdnsError('ETHROTTLED', `${where}: Route 53 asks to slow down (${code ?? `HTTP ${res.status}`})${said}`, {
      ...base,
      retryable: true,
      ...(failed?.retryAfterMs !== undefined ? { retryAfterMs: failed.retryAfterMs } : {}),
    });
  }
  if (code && MISSING.has(code)) return new DdnsError('ENOTFOUND', `${where}: ${code === 'NoSuchHostedZone' ? 'no such hosted zone in this account' : 'no such change'} (${code})${said}`, base);
  if (code === 'RequestExpired') {
    return new DdnsError('EPROVIDER', `${where}: Route 53 says the request's time is off by more than 5 minutes (RequestExpired): check this machine's clock`, base);
  }
  const failed = statusFailure(res, where, code ? `${code}${said}` : serverExcerpt(res.body, secrets), code ? { providerCode: code, now } : { now });
  return failed ? new DdnsError(failed.code, failed.message, { ...base, retryable: failed.retryable, ...(failed.retryAfterMs !== undefined ? { retryAfterMs: failed.retryAfterMs } : {}) }) : undefined;
}

function changeInfo(root: XmlElement, where: string): ChangeInfo {
  const info = child(root, 'ChangeInfo');
  const id = textAt(info, 'Id')?.replace(/^\/change\//, '');
  const status = textAt(info, 'Status');
  if (!id || !/^[A-Za-z0-9]{1,64}$/.test(id) || !status) throw new DdnsError('EBADRESPONSE', `${where}: the answer has no ChangeInfo with an Id and a Status`);
  return { id, status };
}

export function createRoute53Client(options: ClientOptions): Route53Client {
  const now = options.now ?? (() => Date.now());
  const { http, key } = options;
  const base = `${options.endpoint}/${API_VERSION}`;

  async function call(method: 'GET' | 'POST', url: URL, where: string, signal: AbortSignal, body?: string): Promise<XmlElement> {
    const headers: Record<string, string> = body !== undefined ? { 'content-type': 'application/xml' } : {};
    const signed = signRequest(key, { method, url, headers, ...(body !== undefined ? { body } : {}), region: REGION, service: SERVICE, at: new Date(now()) });
    // undici sets host itself, from the URL the signature covered
    const { host: _host, ...send } = signed.headers;
    const res = await http.send({ method, url, headers: send, ...(body !== undefined ? { body } : {}), maxBytes: XML_MAX_BYTES }, signal);
    const failed = apiFailure(res, where, http.secrets, now());
    if (failed) throw failed;
    try {
      return parseXml(res.body);
    } catch (err) {
      const e = err as DdnsError;
      throw new DdnsError(e.code ?? 'EBADRESPONSE', `${where}: ${e.message}`, { statusCode: res.status });
    }
  }

  return {
    async zonesByName(name, signal) {
      const url = new URL(`${base}/hostedzonesbyname`);
      url.searchParams.set('dnsname', name);
      // zones of one name (a public one and private ones) come together, first in the list
      url.searchParams.set('maxitems', '10');
      const root = await call('GET', url, `Route 53 ListHostedZonesByName ${name}`, signal);
      return children(child(root, 'HostedZones'), 'HostedZone')
        .map((z) => ({ id: (textAt(z, 'Id') ?? '').replace(/^\/hostedzone\//, ''), name: plainName(textAt(z, 'Name') ?? ''), private: textAt(z, 'Config', 'PrivateZone') === 'true' }))
        .filter((z) => z.name === name && z.id !== '');
    },

    async recordSet(zoneId, name, type, signal) {
      const url = new URL(`${base}/hostedzone/${encodeURIComponent(zoneId)}/rrset`);
      url.searchParams.set('name', name);
      url.searchParams.set('type', type);
      url.searchParams.set('maxitems', '1');
      const root = await call('GET', url, `Route 53 ListResourceRecordSets ${name} ${type}`, signal);
      for (const set of children(child(root, 'ResourceRecordSets'), 'ResourceRecordSet')) {
        if (plainName(textAt(set, 'Name') ?? '') !== name || textAt(set, 'Type') !== type) continue;
        const ttl = Number(textAt(set, 'TTL'));
        const alias = textAt(set, 'AliasTarget', 'DNSName');
        const setIdentifier = textAt(set, 'SetIdentifier');
        return {
          name,
          type,
          ...(Number.isInteger(ttl) && ttl >= 0 ? { ttl } : {}),
          values: children(child(set, 'ResourceRecords'), 'ResourceRecord').map((r) => textAt(r, 'Value') ?? '').filter((v) => v !== ''),
          ...(alias !== undefined ? { alias: plainName(alias).slice(0, 253) } : {}),
          ...(setIdentifier !== undefined ? { setIdentifier: setIdentifier.slice(0, 128) } : {}),
        };
      }
      return undefined;
    },

    async upsert(zoneId, set, signal) {
      const url = new URL(`${base}/hostedzone/${encodeURIComponent(zoneId)}/rrset`);
      const body = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/${API_VERSION}/">`,
        '<ChangeBatch><Comment>node-red-contrib-ddns</Comment><Changes><Change><Action>UPSERT</Action><ResourceRecordSet>',
        `<Name>${xmlEscape(set.name)}</Name><Type>${xmlEscape(set.type)}</Type><TTL>${set.ttl}</TTL>`,
        `<ResourceRecords><ResourceRecord><Value>${xmlEscape(set.value)}</Value></ResourceRecord></ResourceRecords>`,
        '</ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>',
      ].join('');
      const where = `Route 53 ChangeResourceRecordSets ${set.name} ${set.type}`;
      return changeInfo(await call('POST', url, where, signal, body), where);
    },

    async change(changeId, signal) {
      const url = new URL(`${base}/change/${encodeURIComponent(changeId)}`);
      const where = `Route 53 GetChange ${changeId}`;
      return changeInfo(await call('GET', url, where, signal), where);
    },
  };
}
