/**
 * One update request of the generic `http-ddns` node, and the reading of its
 * answer. There is no API to follow: success is what the user says it is,
 * a 2xx status and, when a `success` pattern is set, an answer that matches
 * it (DynDNS-style `^(good|nochg)`, `"status":\s*"ok"`, ...). Statuses are
 * read as every provider reads them (src/providers/http-api.ts): 401 a
 * refused login (blocks), 403 not allowed (blocks), 429 and 5xx retried or
 * paused with Retry-After.
 *
 * The pattern is the user's, and JavaScript regular expressions backtrack, so
 * it is bounded twice: its shape is checked at deploy with ip-source's check
 * (src/sources/pattern-safety.ts refuses nested quantifiers, overlapping
 * alternatives under a quantifier and backreferences), and it only ever sees
 * the first MATCH_CHARS characters of an answer, which bounds even a
 * quadratic pattern to a few million steps.
 */
import { DdnsError, toDdnsError } from '../../core/errors';
import { redactForms, serverExcerpt } from '../../core/redact';
import { riskyShape } from '../../sources/pattern-safety';
import { statusFailure, type ApiHttp } from '../http-api';
import type { FilledRequest } from './template';

/** a DDNS answer is a line or a small JSON object; a page bigger than this is not one */
export const MAX_ANSWER_BYTES = 64 * 1024;
/** the part of an answer the success pattern is matched against */
export const MATCH_CHARS = 4 * 1024;
const MAX_PATTERN = 512;

export interface HttpDdnsCredentials {
  user: string;
  password: string;
  token: string;
}

export interface HttpDdnsClient {
  readonly credentials: HttpDdnsCredentials;
  /** sends one filled request; resolves on success, throws a DdnsError naming `where` otherwise */
  send(request: FilledRequest, where: string, success: RegExp | undefined, signal: AbortSignal): Promise<void>;
}

/** The `success` setting: undefined when empty (any 2xx answer is success); ECONFIG for an invalid or risky pattern. */
export function compileSuccess(value: unknown): RegExp | undefined {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') return undefined;
  if (text.length > MAX_PATTERN) throw new DdnsError('ECONFIG', `the success pattern is longer than ${MAX_PATTERN} characters`);
  let regex: RegExp;
  try {
    regex = new RegExp(text);
  } catch (err) {
    throw new DdnsError('ECONFIG', `the success pattern is not a valid regular expression: ${(err as Error).message}`);
  }
  const groups = new RegExp(`${text}|`).exec('')!.length - 1;
  const risk = riskyShape(text, groups);
  if (risk) throw new DdnsError('ECONFIG', `the success pattern ${risk}`);
  return regex;
}

export function createHttpDdnsClient(credentials: HttpDdnsCredentials, http: ApiHttp): HttpDdnsClient {
  return {
    credentials,
    async send(request, where, success, signal) {
      let res;
      try {
        res = await http.send({ method: request.method, url: request.url, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}), maxBytes: MAX_ANSWER_BYTES }, signal);
      } catch (thrown) {
        // the transport names the URL's path, which a template may have filled with a credential
        const err = toDdnsError(thrown);
        throw new DdnsError(err.code, `${where}: ${redactForms(err.message, http.secrets)}`, {
          retryable: err.retryable,
          ...(err.providerCode !== undefined ? { providerCode: err.providerCode } : {}),
          ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}),
          ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
        });
      }
      const excerpt = serverExcerpt(res.body, http.secrets);
      const failed = statusFailure(res, where, excerpt);
      if (failed) throw failed;
      if (success && !success.test(res.body.slice(0, MATCH_CHARS))) {
        throw new DdnsError('EPROVIDER', `${where}: the answer does not match the success pattern (HTTP ${res.status})${excerpt ? `: ${excerpt}` : ', empty answer'}`, {
          providerCode: `HTTP ${res.status}`,
          statusCode: res.status,
        });
      }
    },
  };
}
