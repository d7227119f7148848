/**
 * Huawei Cloud AK/SK request signing, SDK-HMAC-SHA256, as the API Gateway
 * checks it ("AK/SK Signing and Authentication Guide", API Gateway docs;
 * the algorithm of the official SDKs' AKSKSigner):
 *
 *   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n
 *                      CanonicalHeaders \n SignedHeaders \n hex(SHA256(body))
 *   StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(SHA256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(SK, StringToSign))
 *   Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=h1;h2, Signature=...
 *
 * Where it differs from AWS SigV4: no scope and no derived key (the SK signs
 * directly), the date goes in `X-Sdk-Date` as YYYYMMDDTHHMMSSZ, and the
 * canonical URI always ends with `/` (the gateway signs `/v2/zones/` for a
 * request to `/v2/zones`). Every header handed in is signed; `host` and
 * `x-sdk-date` always are. Written here (node:crypto only): no SDK at run time.
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'SDK-HMAC-SHA256';

export interface SignInput {
  method: string;
  url: URL;
  /** headers to sign besides host and x-sdk-date (content-type for a body) */
  headers?: Record<string, string>;
  body?: string;
  accessKey: string;
  secretKey: string;
  /** the signing time */
  at: Date;
}

export interface Signed {
  /** the headers to send: the ones handed in, x-sdk-date and authorization (host is the URL's) */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
}

/** RFC 3986 encoding: only A-Z a-z 0-9 - . _ ~ stay as they are (encodeURIComponent also keeps ! ' ( ) *). */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20260102T030405Z` */
export function sdkDate(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** Each path segment encoded (after undoing the URL's own encoding), and a `/` at the end. */
export function canonicalUri(pathname: string): string {
  const path = pathname
    .split('/')
    .map((segment) => encodeRfc3986(safeDecode(segment)))
    .join('/');
  return path.endsWith('/') ? path : `${path}/`;
}

/** Parameters sorted by name (then value), each name and value encoded. */
export function canonicalQuery(params: URLSearchParams): string {
  const pairs = [...params].map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const);
  pairs.sort((a, b) => (a[0] === b[0] ? cmp(a[1], b[1]) : cmp(a[0], b[0])));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export function sign(input: SignInput): Signed {
  const date = sdkDate(input.at);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value.trim();
  headers['x-sdk-date'] = date;
  const all: Record<string, string> = { ...headers, host: input.url.host };
  const names = Object.keys(all).sort(cmp);
  const signedHeaders = names.join(';');
  const canonicalHeaders = names.map((n) => `${n}:${all[n]}\n`).join('');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(input.url.pathname),
    canonicalQuery(input.url.searchParams),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(input.body ?? ''),
  ].join('\n');
  const stringToSign = [ALGORITHM, date, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', input.secretKey).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `${ALGORITHM} Access=${input.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
