/**
 * The request a generic `http-ddns` node sends, from its templates: a URL, a
 * method, `Name: value` header lines and a body, with the placeholders
 * `{ip}` `{ipv4}` `{ipv6}` `{hostname}` `{ttl}` `{user}` `{password}`
 * `{token}` filled for each record. A value is encoded for the place it
 * lands in, so that no value (a password with `&`, a quote or a line break)
 * can change the request's shape:
 * - in the URL: encodeURIComponent, so it stays inside its path segment or
 *   query parameter;
 * - in a JSON body (the template starts with `{` or `[`): JSON-escaped, the
 *   inside of a JSON string; the template must be JSON once filled;
 * - in a form body (Content-Type application/x-www-form-urlencoded):
 *   encodeURIComponent, as a form field is;
 * - in a header or any other body: as is, but a value holding a line break is
 *   refused (it would start a header of its own, or a line the user did not write).
 * Everything is checked at deploy with sample values (ECONFIG: the node shows
 * it before any input), and the filled URL again before each request.
 */
import { DdnsError } from '../../core/errors';
import { parseServerUrl } from '../../core/validate';

export const PLACEHOLDERS = ['ip', 'ipv4', 'ipv6', 'hostname', 'ttl', 'user', 'password', 'token'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type Values = Readonly<Record<Placeholder, string>>;

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH'] as const;
export type Method = (typeof METHODS)[number];

/** a word in braces; JSON's own braces (`{"ip": ...}`) never hold a bare word, so they are left alone */
const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;
/** RFC 9110 5.6.2 token */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** what a header value may hold (undici's own check): no control characters but tab */
const HEADER_VALUE_BAD = /[^\t\x20-\x7e\x80-\xff]/;
/** the transport's own headers: the HTTP client sets them, a template cannot */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer', 'proxy-connection']);
const MAX_TEMPLATE = 8 * 1024;
const MAX_HEADERS = 32;

type Encoding = 'url' | 'json' | 'plain';

/** A template cut at its placeholders: literal text and placeholder names, alternating. */
interface Template {
  parts: ReadonlyArray<{ text: string } | { name: Placeholder }>;
  uses: ReadonlySet<Placeholder>;
}

export interface RequestTemplate {
  method: Method;
  url: Template;
  headers: ReadonlyArray<{ name: string; value: Template }>;
  body?: { template: Template; encoding: Encoding };
  /** the Content-Type the package adds when the headers have none */
  contentType?: string;
  /** the host the requests go to, for messages; undefined when the host itself is a placeholder */
  host?: string;
}

export interface FilledRequest {
  method: Method;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Values for the checks at deploy: every placeholder filled with something of its kind. */
const SAMPLE: Values = {
  ip: '192.0.2.1',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  hostname: 'home.example.com',
  ttl: '300',
  user: 'user',
  password: 'password',
  token: 'token',
};

function parseTemplate(what: string, text: string): Template {
  if (text.length > MAX_TEMPLATE) throw new DdnsError('ECONFIG', `${what} is longer than ${MAX_TEMPLATE} characters`);
  const parts: Array<{ text: string } | { name: Placeholder }> = [];
  const uses = new Set<Placeholder>();
  let at = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new DdnsError('ECONFIG', `${what} has an unknown placeholder {${name.slice(0, 40)}}: use ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`);
    }
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ name: name as Placeholder });
    uses.add(name as Placeholder);
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return { parts, uses };
}

function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function refuseLineBreak(name: Placeholder, value: string, where: string): string {
  if (/[\r\n\0]/.test(value)) throw new DdnsError('ECONFIG', `the value of {${name}} holds a line break, which ${where} cannot carry`);
  return value;
}

function fill(template: Template, values: Values, encoding: Encoding, where: string): string {
  let out = '';
  for (const part of template.parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const value = values[part.name];
    if (encoding === 'url') out += encodeURIComponent(value);
    else if (encoding === 'json') out += jsonEscaped(value);
    else out += refuseLineBreak(part.name, value, where);
  }
  return out;
}

function textSetting(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function parseHeaders(text: string): Array<{ name: string; value: Template }> {
  const out: Array<{ name: string; value: Template }> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!HEADER_NAME.test(name)) throw new DdnsError('ECONFIG', `headers: "${line.slice(0, 40)}" is not a "Name: value" line`);
    if (RESERVED_HEADERS.has(name)) throw new DdnsError('ECONFIG', `headers: ${name} is set by the HTTP client, not by a template`);
    if (out.some((h) => h.name === name)) throw new DdnsError('ECONFIG', `headers: ${name} is given twice`);
    const value = line.slice(colon + 1).trim();
    if (HEADER_VALUE_BAD.test(value)) throw new DdnsError('ECONFIG', `headers: the value of ${name} holds a control character`);
    out.push({ name, value: parseTemplate(`the header ${name}`, value) });
  }
  if (out.length > MAX_HEADERS) throw new DdnsError('ECONFIG', `headers: more than ${MAX_HEADERS} lines`);
  return out;
}

export function parseMethod(value: unknown): Method {
  if (value === undefined || value === '') return 'GET';
  if (typeof value === 'string' && (METHODS as readonly string[]).includes(value.toUpperCase())) return value.toUpperCase() as Method;
  throw new DdnsError('ECONFIG', `method must be ${METHODS.join(', ')}, not ${JSON.stringify(value).slice(0, 20)}`);
}

/**
 * The node's request settings, checked: a URL template that is an http(s) URL
 * without credentials once filled, known placeholders only, header lines,
 * a body only with a method that carries one, a JSON body that is JSON once
 * filled. `ttl` is the node's TTL setting, as `{ttl}` will be filled.
 */
export function compileRequest(settings: { url: unknown; method?: unknown; headers?: unknown; body?: unknown }, ttl: string): RequestTemplate {
  const urlText = textSetting(settings.url).trim();
  if (urlText === '') throw new DdnsError('ECONFIG', 'no URL: set the URL the service updates a record at');
  if (!/^https?:\/\//i.test(urlText)) throw new DdnsError('ECONFIG', 'the URL must start with https:// (or http:// for a server on your LAN); placeholders may follow');
  const url = parseTemplate('the URL', urlText);
  const method = parseMethod(settings.method);
  const headers = parseHeaders(textSetting(settings.headers));
  const bodyText = textSetting(settings.body);
  const contentType = headers.find((h) => h.name === 'content-type');
  let body: RequestTemplate['body'];
  let added: string | undefined;
  if (bodyText.trim() !== '') {
    if (method === 'GET') throw new DdnsError('ECONFIG', 'a GET request carries no body: choose POST, PUT or PATCH, or leave the body empty');
    const trimmed = bodyText.trim();
    const form = contentType !== undefined && /^application\/x-www-form-urlencoded\b/i.test(fill(contentType.value, SAMPLE, 'plain', 'a header'));
    const encoding: Encoding = trimmed.startsWith('{') || trimmed.startsWith('[') ? 'json' : form ? 'url' : 'plain';
    body = { template: parseTemplate('the body', bodyText), encoding };
    if (encoding === 'json') {
      try {
        JSON.parse(fill(body.template, { ...SAMPLE, ttl }, 'json', 'the body'));
      } catch (err) {
        throw new DdnsError('ECONFIG', `the body starts like JSON but is not JSON once its placeholders are filled (${(err as Error).message.slice(0, 80)}); a number such as {ttl} needs a value, an address needs quotes`);
      }
    }
    if (!contentType) added = encoding === 'json' ? 'application/json' : 'text/plain; charset=utf-8';
  }
  const template: RequestTemplate = { method, url, headers, ...(body ? { body } : {}), ...(added ? { contentType: added } : {}) };
  // the URL with every placeholder filled must be one we may send to: http(s), no user name or password
  const sample = filledUrl(template, { ...SAMPLE, ttl });
  const hostStart = urlText.indexOf('//') + 2;
  const hostText = urlText.slice(hostStart).split(/[/?#]/)[0];
  return hostText.includes('{') ? template : { ...template, host: sample.host };
}

function filledUrl(template: RequestTemplate, values: Values): URL {
  const text = fill(template.url, values, 'url', 'a URL');
  // no part of the filled URL is named in the message: it may hold a credential
  let url: URL;
  try {
    url = parseServerUrl('the URL', text, { allowQuery: true });
  } catch (err) {
    const said = (err as Error).message;
    if (/user name or password/.test(said)) throw new DdnsError('ECONFIG', 'the URL must not contain a user name or password once filled: put credentials in a header or the query');
    throw new DdnsError('ECONFIG', 'the URL is not an http(s) URL once its placeholders are filled');
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password) throw new DdnsError('ECONFIG', 'the URL is not an http(s) URL without credentials once its placeholders are filled');
  return url;
}

/** The request for one record. Throws ECONFIG (in words, naming no value) when a value cannot go where the template puts it. */
export function fillRequest(template: RequestTemplate, values: Values): FilledRequest {
  const url = filledUrl(template, values);
  const headers: Record<string, string> = {};
  for (const h of template.headers) {
    const value = fill(h.value, values, 'plain', 'a header');
    if (HEADER_VALUE_BAD.test(value)) throw new DdnsError('ECONFIG', `the header ${h.name} would hold a control character once filled`);
    headers[h.name] = value;
  }
  let body: string | undefined;
  if (template.body) {
    body = fill(template.body.template, values, template.body.encoding, 'the body');
    if (template.contentType) headers['content-type'] = template.contentType;
  }
  return { method: template.method, url, headers, ...(body !== undefined ? { body } : {}) };
}

/** Which placeholders a template uses anywhere (URL, headers, body). */
export function placeholdersUsed(template: RequestTemplate): Set<Placeholder> {
  const out = new Set<Placeholder>(template.url.uses);
  for (const h of template.headers) for (const p of h.value.uses) out.add(p);
  if (template.body) for (const p of template.body.template.uses) out.add(p);
  return out;
}
