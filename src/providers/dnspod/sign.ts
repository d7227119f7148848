/**
 * Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256 ("签名方法 v3",
 * https://cloud.tencent.com/document/api/1427/56189, English edition
 * https://www.tencentcloud.com/document/api/1157/49025): a canonical request
 * (method, path (`/`), empty query, the signed headers `content-type` and
 * `host`, the body's SHA-256), a string to sign scoped to
 * `<UTC date>/<service>/tc3_request`, and an HMAC chain keyed with
 * `TC3` + SecretKey over the date, the service and `tc3_request`.
 *
 * The service is `dnspod` whatever the endpoint says: the official SDKs take it
 * from the endpoint's first label, so pointing one at a proxy or a test server
 * (`127.0.0.1:8080`) changes the signature's scope and the real API refuses it.
 * The host signed is the Host header sent (the endpoint's host, with its port
 * when it has one), so the signature covers what actually goes on the wire.
 */
import { createHash, createHmac } from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';
export const CONTENT_TYPE = 'application/json; charset=utf-8';

export interface Tc3Request {
  secretId: string;
  secretKey: string;
  service: string;
  /** the Host header, as sent */
  host: string;
  /** seconds since the epoch, as in X-TC-Timestamp */
  timestamp: number;
  /** the JSON body, exactly as sent */
  payload: string;
  /** the request path; `/` for the API itself, more behind a proxy that routes by path */
  path?: string;
  contentType?: string;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** `YYYY-MM-DD` in UTC, the credential scope's date. */
export function scopeDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export function canonicalRequest(req: Pick<Tc3Request, 'host' | 'payload' | 'contentType' | 'path'>): string {
  // "头部 key 和 value 统一转成小写，并去掉首尾空格" (the v3 signing page, step 1)
  const headers = `content-type:${(req.contentType ?? CONTENT_TYPE).trim().toLowerCase()}\nhost:${req.host.trim().toLowerCase()}\n`;
  return ['POST', req.path ?? '/', '', headers, 'content-type;host', sha256Hex(req.payload)].join('\n');
}

export function stringToSign(req: Tc3Request): string {
  return [TC3_ALGORITHM, String(req.timestamp), `${scopeDate(req.timestamp)}/${req.service}/tc3_request`, sha256Hex(canonicalRequest(req))].join('\n');
}

export function tc3Signature(req: Tc3Request): string {
  const kDate = hmac(`TC3${req.secretKey}`, scopeDate(req.timestamp));
  const kService = hmac(kDate, req.service);
  const kSigning = hmac(kService, 'tc3_request');
  return createHmac('sha256', kSigning).update(stringToSign(req), 'utf8').digest('hex');
}

/** The Authorization header's value. */
export function tc3Authorization(req: Tc3Request): string {
  return `${TC3_ALGORITHM} Credential=${req.secretId}/${scopeDate(req.timestamp)}/${req.service}/tc3_request, SignedHeaders=content-type;host, Signature=${tc3Signature(req)}`;
}
