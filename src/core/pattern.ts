/**
 * Picking addresses out of text with a user's regular expression, with dync's
 * meaning of `group`: -1 = the entire match, -2 = the entire string, N >= 0 =
 * capture group N. With no pattern a built-in one finds every address-like token.
 */
import { DdnsError } from './errors';
import { expandIpv6, parseAddress } from './address';

export const WHOLE_MATCH = -1;
export const WHOLE_STRING = -2;

export interface AddressPattern {
  /** undefined = built-in address tokenizer */
  regex?: RegExp;
  group: number;
}

// Loose on purpose: tokens are validated by parseAddress afterwards.
const ADDRESS_TOKEN = /[0-9A-Fa-f]*[:.][0-9A-Fa-f:.]*[0-9A-Fa-f:]/g;

export function compilePattern(pattern: string | undefined, group: number | string | undefined): AddressPattern {
  const groupNumber = group === undefined || group === '' ? WHOLE_MATCH : Number(group);
  if (!Number.isInteger(groupNumber) || groupNumber < WHOLE_STRING) {
    throw new DdnsError('ECONFIG', `group must be -2, -1 or a capture group number, not "${String(group)}"`);
  }
  if (pattern === undefined || pattern.trim() === '') return { group: groupNumber };
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'g');
  } catch (err) {
    throw new DdnsError('ECONFIG', `pattern is not a valid regular expression: ${(err as Error).message}`);
  }
  if (groupNumber > 0) {
    const groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
    if (groupNumber > groups) {
      throw new DdnsError('ECONFIG', `group ${groupNumber} does not exist: the pattern has ${groups} capture group(s)`);
    }
  }
  return { regex, group: groupNumber };
}

/** All candidate strings the pattern picks from one text, in order of appearance. */
export function extractCandidates(text: string, pattern: AddressPattern): string[] {
  if (pattern.group === WHOLE_STRING) return [text.trim()];
  const regex = pattern.regex ?? ADDRESS_TOKEN;
  regex.lastIndex = 0;
  const out: string[] = [];
  for (const match of text.matchAll(new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : regex.flags + 'g'))) {
    const picked = pattern.group <= 0 ? match[0] : match[pattern.group];
    if (picked !== undefined && picked !== '') out.push(picked);
    if (out.length >= 256) break; // a body full of addresses is a wrong origin, not a reason to spin
  }
  return out;
}

export type TextKind = 'addresses' | 'body';

/**
 * Candidates from what an origin returned. `addresses` (interface, DNS answers)
 * are matched one by one after IPv6 expansion, so a pattern such as
 * `^2001:0db8:` sees one address in a predictable form; a `body` is matched as is.
 */
export function candidatesFrom(texts: string[], kind: TextKind, pattern: AddressPattern): string[] {
  const out: string[] = [];
  for (const text of texts) {
    const subject = kind === 'addresses' ? expandIpv6(text) : text;
    for (const candidate of extractCandidates(subject, pattern)) {
      // a sentence like "Your IP is 1.2.3.4." leaves a trailing dot on the token
      const parsed = parseAddress(candidate) ?? parseAddress(candidate.replace(/\.+$/, ''));
      out.push(parsed ? parsed.address : candidate);
    }
  }
  return out;
}
