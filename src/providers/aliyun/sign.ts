/**
 * Alibaba Cloud RPC signature version 1.0 (HMAC-SHA1), as every Alidns API call
 * needs it. Pure functions: the nonce and the timestamp come in as arguments so
 * that tests can reproduce the worked examples of Alibaba's documentation.
 *
 * Signature = Base64(HMAC-SHA1(secret + "&", "GET&%2F&" + encode(canonical query)))
 * where the canonical query is every parameter but Signature, sorted by name,
 * each name and value RFC 3986 percent-encoded.
 */
import { createHmac, randomUUID } from 'node:crypto';

export const ALIDNS_API_VERSION = '2015-01-09';
export const SIGNATURE_METHOD = 'HMAC-SHA1';
export const SIGNATURE_VERSION = '1.0';

export type HttpMethod = 'GET' | 'POST';

/**
 * RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay literal. JavaScript's
 * encodeURIComponent also leaves ! ' ( ) * alone, which Alibaba's server encodes,
 * so a value holding one of them would otherwise fail with SignatureDoesNotMatch.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `name=value` pairs, encoded, sorted by parameter name (case-sensitive, as the server does), joined by `&`. */
export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] as string)}`)
    .join('&');
}

export function stringToSign(method: HttpMethod, canonical: string): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

/** HMAC-SHA1 keyed with the secret plus `&` (the empty token secret of RFC 5849 style signing), Base64. */
export function hmacSignature(accessKeySecret: string, text: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(text, 'utf8').digest('base64');
}

/** The Signature for a complete parameter set (common parameters included). */
export function signParameters(params: Readonly<Record<string, string>>, accessKeySecret: string, method: HttpMethod = 'GET'): string {
  return hmacSignature(accessKeySecret, stringToSign(method, canonicalQuery(params)));
}

/** `YYYY-MM-DDThh:mm:ssZ` in UTC: the server rejects milliseconds and offsets. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function newNonce(): string {
  return randomUUID();
}

export interface SigningInput {
  action: string;
  /** the action's own parameters; undefined values are left out */
  params?: Readonly<Record<string, string | number | boolean | undefined>>;
  accessKeyId: string;
  accessKeySecret: string;
  /** unique per request (replay protection); a UUID */
  nonce: string;
  /** ms since epoch, already corrected for any known clock offset */
  timestamp: number;
  method?: HttpMethod;
  version?: string;
}

export interface SignedRequest {
  /** every parameter that is sent, Signature included, unencoded */
  params: Record<string, string>;
  /** the query string to send (canonical order, Signature last) */
  query: string;
  signature: string;
}

/** Names the caller cannot override: they are what the signature vouches for. */
const COMMON_PARAMETERS = new Set([
  'Action',
  'Format',
  'Version',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'Signature',
]);

export function signRequest(input: SigningInput): SignedRequest {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.params ?? {})) {
    if (value === undefined || COMMON_PARAMETERS.has(name)) continue;
    params[name] = String(value);
  }
  params.Action = input.action;
  params.Format = 'JSON';
  params.Version = input.version ?? ALIDNS_API_VERSION;
  params.AccessKeyId = input.accessKeyId;
  params.SignatureMethod = SIGNATURE_METHOD;
  params.SignatureVersion = SIGNATURE_VERSION;
  params.SignatureNonce = input.nonce;
  params.Timestamp = formatTimestamp(input.timestamp);
  const canonical = canonicalQuery(params);
  const signature = hmacSignature(input.accessKeySecret, stringToSign(input.method ?? 'GET', canonical));
  params.Signature = signature;
  return { params, query: `${canonical}&Signature=${percentEncode(signature)}`, signature };
}
