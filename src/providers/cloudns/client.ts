/**
 * The ClouDNS HTTP API client (https://www.cloudns.net/wiki/article/41/):
 * every call is a POST to https://api.cloudns.net/<group>/<method>.json with
 * its parameters as a form body ("The API supports both the GET and POST HTTP
 * methods for all endpoints", article 41), so the password never sits in a
 * URL a proxy or a server log could keep. The login is `auth-id` (an API
 * user) or `sub-auth-id` (an API sub-user) with `auth-password` (article 42).
 *
 * Calls used, all per zone (`domain-name`):
 * - /dns/records.json with `host` and `type` (List records, article 57): an
 *   object keyed by record id, `{"123": {id, type, host, record, ttl, status, ...}}`,
 *   or `[]` when there is none;
 * - /dns/mod-record.json with `record-id`, `host`, `record`, `ttl` (Modify
 *   record, article 60; `ttl` is required);
 * - /dns/add-record.json with `record-type`, `host`, `record`, `ttl` (Add
 *   record, article 58); its answer may carry `data.id`.
 *
 * Every answer is HTTP 200, a failure included: `{"status":"Failed",
 * "statusDescription":"..."}`, so the words say what went wrong:
 * - "Invalid authentication, incorrect auth-id or auth-password." and the
 *   sub-user's "... incorrect sub-auth-id, sub-auth-user or auth-password."
 *   (article 42 and every method's page): the login is refused (EAUTH);
 * - "Missing domain-name": the zone is not in the account, or not delegated
 *   to the sub-user (articles 57, 58, 60) (ENOTFOUND);
 * - "Invalid record-id param." (articles 66, 152): the record is gone (ENOTFOUND);
 * - throttling, also in the body with HTTP 200: "Request blocked, <IP> is
 *   sending more than 20 requests per second." (stalwartlabs/dns-update#78;
 *   DNSControl/dnscontrol#3962; the limits, per IP, are 20 a second, 600 a
 *   minute and 36,000 an hour, article 41) (ETHROTTLED, retried after the
 *   period it names).
 */
import { domainToASCII } from 'node:url';
import { DdnsError, type ErrorCode } from '../../core/errors';
import { serverExcerpt } from '../../core/redact';
import { readJson, statusFailure, type ApiHttp } from '../http-api';

/** one name's records of one type are a few hundred bytes; an apex read may list the type's records zone-wide */
const MAX_ANSWER = 256 * 1024;

/** A record as records.json gives it; every field as text (ttl and status come as strings or numbers). */
export interface CloudnsRecord {
  id: string;
  type: string;
  /** relative to the zone, '' for the apex */
  host: string;
  record: string;
  ttl: string;
  /** '1' active, '0' inactive */
  status: string;
}

export type CloudnsLogin = { authId: string; password: string } | { subAuthId: string; password: string };

export interface CloudnsClient {
  /** the records of `zone` at `host` of `type` ('' host: the apex), filtered here for the exact host and type */
  list(zone: string, host: string, type: string, signal: AbortSignal): Promise<CloudnsRecord[]>;
  modify(zone: string, record: { id: string; host: string; record: string; ttl: string }, signal: AbortSignal): Promise<void>;
  /** creates the record; its id when the answer gives one */
  add(zone: string, record: { type: string; host: string; record: string; ttl: string }, signal: AbortSignal): Promise<string | undefined>;
}

const AUTH_REFUSED = /invalid authentication|incorrect (sub-)?auth-id|auth-password/i;
const NO_ZONE = /missing domain-name|domain.{0,20}(not found|does not exist)/i;
const NO_RECORD = /invalid record-id/i;
/** "Request blocked, 198.51.100.7 is sending more than 20 requests per second." */
const THROTTLED = /request blocked|requests per (second|minute|hour)|too many requests|rate limit/i;
const PERIOD_MS: Record<string, number> = { second: 1_000, minute: 60_000, hour: 3_600_000 };

export const SUB_USER_HINT = 'a sub-user sees only the zones delegated to it in the ClouDNS API settings';

interface Answer {
  status?: unknown;
  statusDescription?: unknown;
  data?: unknown;
}

/** The failure a `Failed` answer stands for, in words, its text masked. */
export function cloudnsFailure(where: string, description: unknown, secrets: readonly string[]): DdnsError {
  const said = typeof description === 'string' ? serverExcerpt(description, secrets) : '';
  // ClouDNS has no error codes: the code kept with a block or a pause is a short name for the words
  // (the ledger keeps codes of at most 40 characters from a small alphabet, src/core/ledger.ts)
  const make = (code: ErrorCode, providerCode: string, text: string, extra: { retryable?: boolean; retryAfterMs?: number } = {}) =>
    new DdnsError(code, `${where}: ${text}`, { statusCode: 200, providerCode, retryable: extra.retryable ?? false, ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}) });
  if (THROTTLED.test(said)) {
    // the period the limit counts in is the least worth waiting; no Retry-After comes with it
    const period = /per (second|minute|hour)/i.exec(said)?.[1]?.toLowerCase();
    return make('ETHROTTLED', 'Request blocked', `ClouDNS asks to slow down (${said})`, { retryable: true, ...(period ? { retryAfterMs: PERIOD_MS[period] } : {}) });
  }
  if (AUTH_REFUSED.test(said)) return make('EAUTH', 'Invalid authentication', `ClouDNS refused the login (${said}); check the auth-id or sub-auth-id and the password in the cloudns-account`);
  if (NO_ZONE.test(said)) return make('ENOTFOUND', 'Missing domain-name', `ClouDNS does not know this zone in this account (${said}); ${SUB_USER_HINT}`);
  if (NO_RECORD.test(said)) return make('ENOTFOUND', 'Invalid record-id', `the record is no longer there (${said})`);
  if (said) return make('EPROVIDER', shortCode(said), `ClouDNS refused the request: ${said}`);
  return make('EBADRESPONSE', 'Failed', 'ClouDNS answered Failed without a description');
}

/** the description as a code: the first 40 characters the ledger's codes may hold */
export function shortCode(said: string): string {
  return said.replace(/[^\w .:/()!-]/g, '').replace(/\s+/g, ' ').trim().slice(0, 40).trim() || 'Failed';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** records.json's answer as records: an object keyed by id, or `[]` (PHP's empty array) for none. */
export function readRecords(answer: unknown): CloudnsRecord[] | undefined {
  if (Array.isArray(answer)) return answer.length === 0 ? [] : undefined;
  if (!answer || typeof answer !== 'object') return undefined;
  const out: CloudnsRecord[] = [];
  for (const [key, value] of Object.entries(answer as Record<string, unknown>)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const r = value as Record<string, unknown>;
    const record = { id: text(r.id) || key, type: text(r.type), host: text(r.host), record: text(r.record), ttl: text(r.ttl), status: text(r.status) };
    if (/^\d{1,20}$/.test(record.id) && record.type !== '' && record.record !== '') out.push(record);
  }
  return out;
}

/** ClouDNS's host against ours: case-insensitive, an internationalised label in either form. */
export function sameHost(theirs: string, ours: string): boolean {
  const lower = theirs.toLowerCase().replace(/\.$/, '');
  if (lower === ours) return true;
  if (/^[\x00-\x7f]*$/.test(lower) || lower === '') return false;
  return domainToASCII(`${lower}.x`) === `${ours}.x`;
}

export function createCloudnsClient(endpoint: string, login: CloudnsLogin, http: ApiHttp): CloudnsClient {
  const auth: Record<string, string> = 'authId' in login ? { 'auth-id': login.authId } : { 'sub-auth-id': login.subAuthId };
  auth['auth-password'] = login.password;

  async function call(path: string, fields: Record<string, string>, what: string, signal: AbortSignal): Promise<unknown> {
    const res = await http.send(
      {
        method: 'POST',
        url: `${endpoint}${path}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ ...auth, ...fields }).toString(),
        maxBytes: MAX_ANSWER,
      },
      signal,
    );
    const where = `ClouDNS ${what}`;
    const excerpt = serverExcerpt(res.body, http.secrets);
    const byStatus = statusFailure(res, where, excerpt);
    // ClouDNS answers 200 even when it refuses; another status is a proxy's or an outage's word
    if (byStatus) throw byStatus;
    const answer = readJson(res, where, http.secrets);
    const said = answer && typeof answer === 'object' && !Array.isArray(answer) ? (answer as Answer) : undefined;
    if (said?.status === 'Failed') throw cloudnsFailure(where, said.statusDescription, http.secrets);
    return answer;
  }

  function succeeded(answer: unknown, where: string): Answer {
    const said = answer && typeof answer === 'object' && !Array.isArray(answer) ? (answer as Answer) : undefined;
    if (said?.status !== 'Success') {
      throw new DdnsError('EBADRESPONSE', `ClouDNS ${where}: not a ClouDNS answer: ${serverExcerpt(JSON.stringify(answer) ?? '', http.secrets)}`, { statusCode: 200 });
    }
    return said;
  }

  return {
    async list(zone, host, type, signal) {
      const name = host ? `${host}.${zone}` : zone;
      const answer = await call('/dns/records.json', { 'domain-name': zone, host, type }, `records ${type} ${name}`, signal);
      const records = readRecords(answer);
      if (!records) throw new DdnsError('EBADRESPONSE', `ClouDNS records ${type} ${name}: the answer is not a list of records: ${serverExcerpt(JSON.stringify(answer) ?? '', http.secrets)}`, { statusCode: 200 });
      // `host` is an exact filter by the docs, but an empty one (the apex) may be read as no filter at all
      return records.filter((r) => r.type.toUpperCase() === type && sameHost(r.host, host));
    },
    async modify(zone, record, signal) {
      const what = `mod-record ${record.host ? `${record.host}.` : ''}${zone}`;
      const answer = await call('/dns/mod-record.json', { 'domain-name': zone, 'record-id': record.id, host: record.host, record: record.record, ttl: record.ttl }, what, signal);
      succeeded(answer, what);
    },
    async add(zone, record, signal) {
      const what = `add-record ${record.type} ${record.host ? `${record.host}.` : ''}${zone}`;
      const answer = await call('/dns/add-record.json', { 'domain-name': zone, 'record-type': record.type, host: record.host, record: record.record, ttl: record.ttl }, what, signal);
      const data = succeeded(answer, what).data;
      const id = data && typeof data === 'object' ? text((data as Record<string, unknown>).id) : '';
      return /^\d{1,20}$/.test(id) ? id : undefined;
    },
  };
}
