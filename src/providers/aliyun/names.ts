/**
 * Domain and host record (RR) names as Alidns spells them: the domain is the
 * zone in the account (`example.com`), the RR the part in front of it (`www`,
 * `@` for the domain itself, `*`, `*.sub`). Matching is exact and
 * case-insensitive, never a keyword search: a search for `a` also finds `b.a`.
 */
import { MAX_NAME_LENGTH, checkName, shownName } from '../../core/names';
import { domainToASCII } from 'node:url';
import { DdnsError } from '../../core/errors';

export function normaliseDomain(domain: unknown): string {
  if (typeof domain !== 'string' || domain.trim() === '') throw new DdnsError('ECONFIG', 'no domain configured', { key: 'config.no-domain' });
  // an internationalised name (例子.中国) is checked in its ASCII form but sent as written, as the console shows it
  const checked = checkName(domain, { international: true, minLabels: 2 });
  if (!checked) throw new DdnsError('ECONFIG', `"${shownName(domain)}" is not a domain name such as example.com`, { key: 'config.bad-domain', params: { given: shownName(domain) } });
  return checked.name;
}

/**
 * One RR as the server stores it (lower case). A full name under the domain
 * (`www.example.com`, or the domain itself) is cut back to its RR, since that is
 * what a user who typed it meant.
 */
export function normaliseRr(rr: string, domain: string): string {
  let text = rr.trim().replace(/\.$/, '').toLowerCase();
  if (text === domain) text = '@';
  else if (text.endsWith(`.${domain}`)) text = text.slice(0, -(domain.length + 1));
  if (text === '@' || text === '*') return text;
  // a wildcard may only be the leftmost label (`*.sub`), as in DNS itself; `_acme-challenge`-style labels are records too
  const valid = text.length + domain.length < MAX_NAME_LENGTH + 1 && checkName(text, { wildcard: true, underscore: true }) !== undefined;
  if (!valid) throw new DdnsError('ECONFIG', `"${rr.trim().slice(0, 80)}" is not a host record (RR) such as www, @ or *`, { key: 'config.bad-rr', params: { given: rr.trim().slice(0, 80) } });
  return text;
}

/** `www, @ ,*` or a list -> distinct RRs in the order given. */
export function parseRrs(rrs: unknown, domain: string): string[] {
  const parts = Array.isArray(rrs) ? rrs.map(String) : typeof rrs === 'string' ? rrs.split(',') : [];
  const out: string[] = [];
  for (const part of parts) {
    if (part.trim() === '') continue;
    const rr = normaliseRr(part, domain);
    if (!out.includes(rr)) out.push(rr);
  }
  if (out.length === 0) throw new DdnsError('ECONFIG', 'no host record (RR) configured', { key: 'config.no-rr' });
  return out;
}

/** The record's full name for results: `www.example.com`, `@` -> `example.com`. */
export function fqdn(rr: string, domain: string): string {
  return rr === '@' ? domain : `${rr}.${domain}`;
}

export function sameRr(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A domain in one form for comparison: lower case, ASCII (punycode), without a root dot; '' when it is no name. */
function domainKey(name: string): string {
  // domainToASCII also lower-cases, and answers '' for what IDNA refuses (xn--zz)
  return domainToASCII(name.replace(/\.$/, ''));
}

/**
 * The same domain, exactly but for case and the form of an internationalised
 * name (例子.中国 and xn--fsqu00a.xn--fiqs8s are one domain): never a suffix
 * or keyword match, and never two names that are not names at all.
 */
export function sameDomain(a: string, b: string): boolean {
  const left = domainKey(a);
  return left !== '' && left === domainKey(b);
}
