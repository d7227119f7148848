/**
 * Porkbun API v3 (https://porkbun.com/api/json/v3/documentation): every call
 * is a POST whose JSON body carries the keys, `{"apikey": "pk1_…",
 * "secretapikey": "sk1_…", …}`; an answer is `{"status": "SUCCESS", …}` or
 * `{"status": "ERROR", "message": "…"}`, the latter mostly with HTTP 400, so
 * the message, not the status, says what went wrong. The API host is
 * api.porkbun.com: the old porkbun.com host stopped answering API calls in
 * December 2024 (documentation#apiHost; qdm12/ddns-updater#943 shows its
 * bare "403 Forbidden" from the load balancer since).
 *
 * Calls used, all per domain (the zone):
 * - POST /dns/retrieveByNameType/{domain}/{type}/{subdomain} (subdomain
 *   left out for the apex): `records: [{id, name, type, content, ttl, prio, notes}]`;
 * - POST /dns/edit/{domain}/{id} with the whole record {name, type, content, ttl, prio, notes};
 * - POST /dns/create/{domain} with {name, type, content, ttl?}: `{id}`.
 */
import { DdnsError, type ErrorCode } from '../../core/errors';
import { serverExcerpt } from '../../core/redact';
import { readJson, statusFailure, type ApiHttp } from '../http-api';

/** one name's records of one type are a few hundred bytes; a zone's worth is not what is asked for */
const MAX_ANSWER = 64 * 1024;

/** A record as retrieveByNameType returns it (ttl and prio come as strings). */
export interface PorkbunRecord {
  id: string;
  /** the full name, `home.example.com` */
  name: string;
  type: string;
  content: string;
  ttl: string;
  prio: string;
  notes: string;
}

export interface PorkbunClient {
  retrieve(domain: string, type: string, subdomain: string, signal: AbortSignal): Promise<PorkbunRecord[]>;
  edit(domain: string, record: PorkbunRecord, signal: AbortSignal): Promise<void>;
  create(domain: string, record: { name: string; type: string; content: string; ttl?: number }, signal: AbortSignal): Promise<string | undefined>;
}

/**
 * The keys' own refusal: "Invalid API key. (002)" (jeessy2/ddns-go#388,
 * davidramiro/frigabun#12), HTTP 400. Another attempt with the same keys can
 * only fail again.
 */
const KEYS_REFUSED = /invalid api key|invalid secret|api key.*(missing|required)/i;
/**
 * "Domain is not opted in to API access." (jeessy2/ddns-go#1015,
 * caddy-dns/porkbun#15), HTTP 400: API access is off by default and is
 * switched on per domain in Porkbun's domain management; the keys are fine.
 */
const NOT_OPTED_IN = /not opted in to api access|api access (is )?(disabled|not enabled|off)/i;
/** "Invalid domain." (acmesh-official/acme.sh#3450): the domain is not one of this account's */
const NO_DOMAIN = /invalid domain/i;
const RATE_LIMITED = /rate limit|too many requests|slow down/i;

export const API_ACCESS_HINT = "switch on API ACCESS for this domain in Porkbun's domain management";

interface Answer {
  status?: unknown;
  message?: unknown;
  records?: unknown;
  id?: unknown;
}

/** The failure an ERROR answer (or a non-2xx status) stands for, in words, its text masked. */
export function porkbunFailure(where: string, status: number, answer: Answer | undefined, fallback: DdnsError | undefined, secrets: readonly string[]): DdnsError {
  const said = typeof answer?.message === 'string' ? serverExcerpt(answer.message, secrets) : '';
  const base = { statusCode: status, providerCode: said ? said.slice(0, 60) : `HTTP ${status}` };
  const make = (code: ErrorCode, text: string, retryable = false) => new DdnsError(code, `${where}: ${text}`, { ...base, retryable, ...(fallback?.retryAfterMs !== undefined ? { retryAfterMs: fallback.retryAfterMs } : {}) });
  // throttling and outages first: whatever the words, they are worth another try later
  if (status === 429 || RATE_LIMITED.test(said)) return make('ETHROTTLED', `Porkbun asks to slow down${said ? ` (${said})` : ''}`, true);
  if (status >= 500) return fallback ?? make('EHTTPSTATUS', `Porkbun had a server error (HTTP ${status})`, true);
  if (KEYS_REFUSED.test(said)) return make('EAUTH', `Porkbun refused the API keys (${said}); enter a valid API key and secret API key in the porkbun-account`);
  if (NOT_OPTED_IN.test(said)) return make('EFORBIDDEN', `Porkbun refused API access to this domain (${said}): ${API_ACCESS_HINT}`);
  if (NO_DOMAIN.test(said)) return make('ENOTFOUND', `Porkbun does not know this domain in this account (${said})`);
  if (status === 401) return make('EAUTH', `Porkbun refused the API keys${said ? ` (${said})` : ''}`);
  if (status === 403) return make('EFORBIDDEN', `Porkbun refused the request (HTTP 403)${said ? `: ${said}` : ''}; the API host is api.porkbun.com`);
  if (said) return make('EPROVIDER', `Porkbun refused the request: ${said}`);
  return fallback ?? make('EBADRESPONSE', `not a Porkbun answer (HTTP ${status})`);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** The records of an answer, each field as text; an entry without an id or content is not a record. */
export function readRecords(records: unknown): PorkbunRecord[] | undefined {
  if (!Array.isArray(records)) return undefined;
  const out: PorkbunRecord[] = [];
  for (const r of records as Array<Record<string, unknown>>) {
    if (!r || typeof r !== 'object') continue;
    const record = { id: text(r.id), name: text(r.name), type: text(r.type), content: text(r.content), ttl: text(r.ttl), prio: text(r.prio), notes: text(r.notes) };
    if (record.id !== '' && record.content !== '') out.push(record);
  }
  return out;
}

export function createPorkbunClient(endpoint: string, keys: { apiKey: string; secretApiKey: string }, http: ApiHttp): PorkbunClient {
  async function call(path: string, fields: Record<string, unknown>, what: string, signal: AbortSignal): Promise<Answer> {
    const res = await http.send(
      {
        method: 'POST',
        url: `${endpoint}${path}`,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ apikey: keys.apiKey, secretapikey: keys.secretApiKey, ...fields }),
        maxBytes: MAX_ANSWER,
      },
      signal,
    );
    const where = `Porkbun ${what}`;
    const excerpt = serverExcerpt(res.body, http.secrets);
    const byStatus = statusFailure(res, where, excerpt);
    let answer: Answer | undefined;
    try {
      const parsed = readJson(res, where, http.secrets);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) answer = parsed as Answer;
    } catch (err) {
      // a status that says enough (a 429 from a proxy, a 5xx page) outranks an HTML body
      if (byStatus) throw byStatus;
      throw err;
    }
    if (!byStatus && answer?.status === 'SUCCESS') return answer;
    if (!byStatus && answer?.status !== 'ERROR') throw new DdnsError('EBADRESPONSE', `${where}: not a Porkbun answer: ${excerpt}`, { statusCode: res.status });
    throw porkbunFailure(where, res.status, answer, byStatus, http.secrets);
  }

  const seg = (part: string) => encodeURIComponent(part).replace(/%2A/g, '*');

  return {
    async retrieve(domain, type, subdomain, signal) {
      const path = `/dns/retrieveByNameType/${seg(domain)}/${type}${subdomain ? `/${seg(subdomain)}` : ''}`;
      const answer = await call(path, {}, `retrieve ${type} ${subdomain ? `${subdomain}.` : ''}${domain}`, signal);
      const records = readRecords(answer.records);
      if (!records) throw new DdnsError('EBADRESPONSE', `Porkbun retrieve ${domain}: the answer has no records list`);
      return records;
    },
    async edit(domain, record, signal) {
      const name = record.name === domain ? '' : record.name.endsWith(`.${domain}`) ? record.name.slice(0, -domain.length - 1) : record.name;
      await call(`/dns/edit/${seg(domain)}/${seg(record.id)}`, { name, type: record.type, content: record.content, ttl: record.ttl, prio: record.prio, notes: record.notes }, `edit ${record.type} ${record.name}`, signal);
    },
    async create(domain, record, signal) {
      const answer = await call(`/dns/create/${seg(domain)}`, { name: record.name, type: record.type, content: record.content, ...(record.ttl !== undefined ? { ttl: String(record.ttl) } : {}) }, `create ${record.type} ${record.name ? `${record.name}.` : ''}${domain}`, signal);
      const id = text(answer.id);
      return id !== '' ? id : undefined;
    },
  };
}
