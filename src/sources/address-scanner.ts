/**
 * The built-in address scanner: every address-like token of a server's answer
 * when no pattern is set. A server's answer is hostile input, so it costs one
 * pass over the text and runs on the calling thread (no worker needed).
 *
 * It is a hand-written scanner, not a regular expression. The regex it
 * replaces (`[0-9A-Fa-f]*[:.][0-9A-Fa-f:.]*...`) restarted at every character
 * and re-read the rest of a run each time: 64 KB of letters cost 2.3 s of
 * blocked event loop. The scanner looks at each character a bounded number of
 * times.
 *
 * Where an address counts as one follows what peer clients find, without
 * their mistakes:
 * - ddclient's extract_ipv4 (ddclient.in) takes a dotted quad between word
 *   boundaries or `_`, so `IP:203.0.113.5`, `203.0.113.5:51234` (a port) and
 *   `foo:192.0.2.1:bar` yield the address; so does this scanner.
 * - ddclient's extract_ipv6 takes an IPv6 address only when no `[:.0-9A-Z]`
 *   touches it, so `IPv6:2001:db8::5` yields nothing there; qdm12/ddns-updater's
 *   ipextract.IPv6 and inadyn's parse_ipv6_address take the longest run of
 *   `[0-9a-fA-F:]` and read `6:2001:db8::5` out of it, a wrong address. Here the
 *   candidate must stand on its own: a run of letters, digits, `.` and `:` is one
 *   token; a label glued to it by a colon (`IPv6:`, `addr:`) is dropped when it
 *   holds a letter no IPv6 address can hold, so `IPv6:2001:db8::5` yields
 *   `2001:db8::5`, never `6:2001:db8::5`.
 * - A sentence's full stop after an address is not part of it (`... is 1.2.3.4.`);
 *   a dotted quad inside a longer dotted run (`1.2.3.4.5`, a version or OID) or
 *   glued to a word (`v1.2.3.4`) is not an address.
 */
import { parseAddress } from '../core/address';

/** a body full of addresses is a wrong origin, not a reason to spin */
export const MAX_CANDIDATES = 256;

const enum Ch {
  Dot = 0x2e,
  Colon = 0x3a,
}

/** Characters a token is made of: letters, digits, `.` and `:`. Everything else separates. */
function isTokenChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x3a) || c === Ch.Dot || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isHexChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** A letter that no IPv6 address holds (g-z): the field is a word, such as the label in `IPv6:`. */
function isWord(field: string): boolean {
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i) | 0x20;
    if (c >= 0x67 && c <= 0x7a) return true;
  }
  return false;
}

/** a sentence's full stop is not part of the address before it */
export function withoutTrailingDots(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === Ch.Dot) end--;
  return text.slice(0, end);
}

const DOTTED_QUAD_MAX = 15;

/** The addresses one token holds, by the rules at the top of this module. */
function tokenCandidates(raw: string, out: string[]): void {
  const token = withoutTrailingDots(raw);
  let hasHex = false;
  let hasSeparator = false;
  for (let i = 0; i < token.length && !(hasHex && hasSeparator); i++) {
    const c = token.charCodeAt(i);
    if (c === Ch.Dot || c === Ch.Colon) hasSeparator = true;
    else if (isHexChar(c)) hasHex = true;
  }
  if (!hasHex || !hasSeparator) return;
  if (parseAddress(token)) {
    out.push(token);
    return;
  }
  if (!token.includes(':')) return;
  const fields = token.split(':');
  // a label or a port beside a dotted quad: IP:203.0.113.5, 203.0.113.5:51234, foo:192.0.2.1:bar
  for (const field of fields) {
    if (field.length >= 7 && field.length <= DOTTED_QUAD_MAX && parseAddress(field)?.family === 4) out.push(field);
  }
  // a label glued to an IPv6 address: IPv6:2001:db8::5
  let first = 0;
  while (first < fields.length && isWord(fields[first])) first++;
  let last = fields.length - 1;
  while (last > first && isWord(fields[last])) last--;
  if ((first > 0 || last < fields.length - 1) && last - first >= 2) {
    const inner = fields.slice(first, last + 1).join(':');
    if (inner.length <= 64 && parseAddress(inner)?.family === 6) out.push(inner);
  }
}

/**
 * Every address-like token of a text, in order, at most MAX_CANDIDATES: one
 * pass over the text, each token split at most once. Candidates still go
 * through parseAddress and the family and scope rules afterwards.
 */
export function scanAddresses(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && out.length < MAX_CANDIDATES) {
    while (i < n && !isTokenChar(text.charCodeAt(i))) i++;
    const start = i;
    while (i < n && isTokenChar(text.charCodeAt(i))) i++;
    if (i > start) tokenCandidates(text.slice(start, i), out);
  }
  return out.length > MAX_CANDIDATES ? out.slice(0, MAX_CANDIDATES) : out;
}

/** a `key=value` line's key: letters, digits, `_` and `-`, as Cloudflare's trace writes them */
function isKeyChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
}

/**
 * The caller's address from an answer in Cloudflare's trace format
 * (`/cdn-cgi/trace`: `fl=…`, `h=1.1.1.1`, `ip=203.0.113.7`, `ts=…` lines, which
 * several DDNS clients ask), or undefined when the text is not in that format.
 * The scanner would take `h=`, the host that was asked, first: with
 * `https://1.1.1.1/cdn-cgi/trace` a wrong public address (issue 22.8). The
 * format is: every non-empty line `key=value`, at least two of them, one key
 * `ip`. One pass over the text.
 */
export function traceAddress(text: string): string | undefined {
  let ip: string | undefined;
  let lines = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let keyEnd = start;
    while (keyEnd < end && isKeyChar(text.charCodeAt(keyEnd))) keyEnd++;
    const blank = end === start || (end === start + 1 && text.charCodeAt(start) === 0x0d);
    if (!blank) {
      if (keyEnd === start || text.charCodeAt(keyEnd) !== 0x3d) return undefined; // not `key=`
      lines++;
      if (keyEnd - start === 2 && text.startsWith('ip', start)) {
        if (ip !== undefined) return undefined; // two answers to one question: not a trace
        ip = text.slice(keyEnd + 1, end).trim();
      }
    }
    start = end + 1;
  }
  return lines >= 2 ? ip : undefined;
}
