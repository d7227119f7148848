/**
 * The `pattern` and `group` settings of ip-source: compiled once at deploy and
 * applied to what an origin returned, with dync's meaning of `group`: -1 = the
 * entire match, -2 = the entire string, N >= 0 = capture group N.
 *
 * Neither way of picking may cost more than a pass over a hostile answer:
 * without a pattern the built-in scanner (address-scanner.ts) is linear; a
 * user's pattern is not provably so (pattern-safety.ts says why), and runs in a
 * worker thread that is terminated at the lookup's deadline
 * (pattern-runner.ts). Its shape is still checked here at deploy, so a pattern
 * known to take exponential time is refused with the reason.
 */
import { DdnsError } from '../core/errors';
import { expandIpv6, parseAddress } from '../core/address';
import { MAX_CANDIDATES, scanAddresses, traceAddress, withoutTrailingDots } from './address-scanner';
import { riskyShape } from './pattern-safety';

export const WHOLE_MATCH = -1;
export const WHOLE_STRING = -2;

export interface AddressPattern {
  /** undefined = the built-in address scanner */
  regex?: RegExp;
  group: number;
}

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
  const groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
  if (groupNumber > 0 && groupNumber > groups) {
    throw new DdnsError('ECONFIG', `group ${groupNumber} does not exist: the pattern has ${groups} capture group(s)`);
  }
  const risk = riskyShape(pattern, groups);
  if (risk) throw new DdnsError('ECONFIG', `pattern ${risk}`);
  return { regex, group: groupNumber };
}

/** All candidate strings the pattern picks from one text, in order of appearance. */
export function extractCandidates(text: string, pattern: AddressPattern): string[] {
  if (pattern.group === WHOLE_STRING) return [text.trim()];
  if (!pattern.regex) return scanAddresses(text);
  const regex = new RegExp(pattern.regex.source, pattern.regex.flags.includes('g') ? pattern.regex.flags : pattern.regex.flags + 'g');
  const out: string[] = [];
  for (const match of text.matchAll(regex)) {
    const picked = pattern.group <= 0 ? match[0] : match[pattern.group];
    if (picked !== undefined && picked !== '') out.push(picked);
    if (out.length >= MAX_CANDIDATES) break;
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
    // without a pattern, a body in Cloudflare's trace format answers with its `ip=` line only
    const traced = kind === 'body' && !pattern.regex && pattern.group !== WHOLE_STRING ? traceAddress(subject) : undefined;
    for (const candidate of traced !== undefined ? [traced] : extractCandidates(subject, pattern)) {
      // a sentence like "Your IP is 1.2.3.4." leaves a trailing dot on what a pattern picked
      const parsed = parseAddress(candidate) ?? parseAddress(withoutTrailingDots(candidate));
      out.push(parsed ? parsed.address : candidate);
    }
  }
  return out;
}

