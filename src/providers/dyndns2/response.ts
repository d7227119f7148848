/**
 * Reading a DynDNS2 answer: one return code per host, one per line, in the
 * order the hosts were sent. Anything that is not exactly that (HTML, a
 * proxy's error page, fewer lines than hosts, an unknown word) is
 * EBADRESPONSE and never counts as success.
 */
import { parseAddress } from '../../core/address';
import { DdnsError } from '../../core/errors';

export const RETURN_CODES = [
  'good',
  'nochg',
  'badauth',
  '!donator',
  'notfqdn',
  'nohost',
  'numhost',
  'abuse',
  'badagent',
  'dnserr',
  '911',
] as const;
export type ReturnCode = (typeof RETURN_CODES)[number];

export interface HostAnswer {
  code: ReturnCode;
  /** addresses echoed after good/nochg, canonical */
  addresses: string[];
}

const MAX_LINE = 200;

export function isSuccessCode(code: ReturnCode): boolean {
  return code === 'good' || code === 'nochg';
}

function bad(message: string): DdnsError {
  return new DdnsError('EBADRESPONSE', message);
}

/** A printable, bounded excerpt for error messages: never a whole body. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const clean = flat.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 60 ? `${clean.slice(0, 60)}...` : clean;
}

/** Looks like markup: a captive portal or a proxy's error page, never a DynDNS2 answer. */
export function looksLikeHtml(body: string): boolean {
  return /<\s*[a-z!?\/]/i.test(body);
}

/** One line, e.g. `good 192.0.2.1` or `nohost`; undefined when it is not a known code. */
export function parseLine(line: string): HostAnswer | undefined {
  if (line.length > MAX_LINE) return undefined;
  const match = /^(\S+)(?:\s+(.*))?$/.exec(line);
  if (!match) return undefined;
  const word = match[1].toLowerCase();
  const code = (RETURN_CODES as readonly string[]).find((c) => c === word) as ReturnCode | undefined;
  if (!code) return undefined;
  const rest = (match[2] ?? '').trim();
  if (!isSuccessCode(code)) {
    // some servers add a short explanation after an error code; keep the code
    return { code, addresses: [] };
  }
  if (rest === '') return { code, addresses: [] };
  const addresses: string[] = [];
  for (const token of rest.split(/[\s,]+/)) {
    if (token === '') continue;
    const parsed = parseAddress(token);
    // `good <garbage>` is not a success we can believe
    if (!parsed) return undefined;
    addresses.push(parsed.address);
  }
  return { code, addresses };
}

/** Non-empty lines with trailing blanks and `\r` removed. */
export function splitLines(body: string): string[] {
  return body
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * Parses a whole body for `hostCount` hosts. A single error line for several
 * hosts applies to all of them (Dyn sends account-wide codes such as
 * `badauth` or `911` once); a single success line for several hosts does not.
 */
export function parseResponseBody(body: string, hostCount: number): HostAnswer[] {
  if (looksLikeHtml(body)) throw bad(`server answered with an HTML page, not a DynDNS2 return code: "${excerpt(body)}"`);
  const lines = splitLines(body);
  if (lines.length === 0) throw bad('server answered with an empty body');
  const answers: HostAnswer[] = [];
  for (const line of lines) {
    const answer = parseLine(line);
    if (!answer) throw bad(`unknown DynDNS2 answer "${excerpt(line)}"`);
    answers.push(answer);
  }
  if (answers.length === hostCount) return answers;
  if (answers.length === 1 && hostCount > 1 && !isSuccessCode(answers[0].code)) {
    return Array.from({ length: hostCount }, () => ({ code: answers[0].code, addresses: [] }));
  }
  throw bad(`server answered ${answers.length} line(s) for ${hostCount} host(s)`);
}
