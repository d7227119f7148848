/**
 * The one reader for JSON a server sends (the Cloudflare and Alidns answers).
 * `JSON.parse` runs on the event loop and cannot be interrupted: about 2 MB of
 * nested arrays held a Node-RED runtime for up to 0.7 s (issue 22.5). So an
 * answer is bounded before it is parsed: its length (the HTTP body cap is the
 * first bound; this one also holds for text that came another way) and its
 * nesting depth, found by one linear pass that counts `[` and `{` outside
 * strings. No real API answer nests more than a handful of levels; 64 is far
 * past any of them.
 */
import { DdnsError } from './errors';

export const DEFAULT_MAX_JSON_DEPTH = 64;

export interface JsonAnswerOptions {
  /** most levels of arrays and objects inside one another (default 64) */
  maxDepth?: number;
  /** longest text parsed, in UTF-16 code units; default no bound beyond the caller's body cap */
  maxChars?: number;
  /** what the answer is, for the error message: "Cloudflare GET /zones" */
  what?: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The deepest nesting of arrays and objects in `text`, or the first depth past
 * `limit` (the scan stops there). Brackets inside strings do not count; a
 * backslash escapes the character after it. Malformed text is not judged here:
 * JSON.parse says what is wrong with it.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return deepest;
}

/**
 * A server's JSON answer, parsed once its size and depth are known to be
 * bounded. Returns undefined when the text is not JSON at all (each caller has
 * its own words for that: an HTML error page is not the same failure as a
 * broken API); throws ETOOLARGE for text over `maxChars` and EBADRESPONSE for
 * nesting past `maxDepth`, without parsing either.
 */
export function parseJsonAnswer(text: string, options: JsonAnswerOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const prefix = options.what ? `${options.what}: ` : '';
  if (options.maxChars !== undefined && text.length > options.maxChars) {
    throw new DdnsError('ETOOLARGE', `${prefix}the answer of ${text.length} characters exceeds the ${options.maxChars} character limit; not read`);
  }
  if (jsonDepth(text, maxDepth) > maxDepth) {
    throw new DdnsError('EBADRESPONSE', `${prefix}the answer nests arrays or objects more than ${maxDepth} levels deep; not read (no API answer does)`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
