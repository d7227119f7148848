/**
 * AWS Signature Version 4 for the Route 53 API, with node:crypto alone, after
 * "Create a signed AWS API request" (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
 * a canonical request (method, URI, sorted query, signed headers, the body's
 * SHA-256), the string to sign (AWS4-HMAC-SHA256, time, scope, the canonical
 * request's hash), and the signing key derived from the secret through the
 * date, region, service and `aws4_request`. Route 53 is a global service
 * signed for us-east-1. Checked against the AWS SigV4 test suite
 * (get-vanilla, get-vanilla-query-order-key-case, post-x-www-form-urlencoded)
 * and the official SDK's signer (test/unit/route53-sigv4.test.js).
 */
import { createHash, createHmac } from 'node:crypto';

export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignInput {
  method: string;
  url: URL;
  /** headers to sign besides host and x-amz-date; names in any case */
  headers?: Record<string, string>;
  body?: string;
  region: string;
  service: string;
  /** the signing time */
  at: Date;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding: everything but the unreserved characters, as SigV4 asks. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20150830T123600Z` */
export function amzDate(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The path as SigV4 signs it for services other than S3: each segment
 * decoded once and encoded again (so a path is signed alike however the
 * caller escaped it), empty path = `/`.
 */
function canonicalPath(pathname: string): string {
  if (pathname === '') return '/';
  return pathname
    .split('/')
    .map((segment) => uriEncode(uriEncode(safeDecode(segment))))
    .join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function canonicalQuery(url: URL): string {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of url.searchParams) pairs.push([uriEncode(key), uriEncode(value)]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export interface Signed {
  /** the headers to send: the given ones, host, x-amz-date and authorization */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export function signRequest(key: SigningKey, input: SignInput): Signed {
  const time = amzDate(input.at);
  const day = time.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.host = input.url.host;
  headers['x-amz-date'] = time;
  const names = Object.keys(headers).sort();
  // header values are trimmed and inner runs of spaces folded, as the canonical form asks
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [input.method.toUpperCase(), canonicalPath(input.url.pathname), canonicalQuery(input.url), canonicalHeaders, signedHeaders, sha256Hex(input.body ?? '')].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = [ALGORITHM, time, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day), input.region), input.service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `${ALGORITHM} Credential=${key.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signature };
}
