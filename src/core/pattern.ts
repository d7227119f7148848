/**
 * Picking addresses out of text, with dync's meaning of `group`: -1 = the entire
 * match, -2 = the entire string, N >= 0 = capture group N.
 *
 * A server's answer is hostile input, so neither way of picking may cost more
 * than a pass over the text:
 *
 * - No pattern: `scanAddresses`, a hand-written scanner, not a regular
 *   expression. The regex it replaces (`[0-9A-Fa-f]*[:.][0-9A-Fa-f:.]*...`)
 *   restarted at every character and re-read the rest of a run each time:
 *   64 KB of letters cost 2.3 s of blocked event loop. The scanner looks at each
 *   character a bounded number of times.
 *
 * - A user's pattern: JavaScript regular expressions backtrack, and no static
 *   check can prove a pattern linear: even `\d+x` is quadratic on a body of
 *   digits (2 s for 64 KB). So the guarantee is where the pattern runs, not what
 *   it looks like: `src/sources/pattern-runner.ts` runs it in a worker thread
 *   that is terminated at the lookup's deadline, and the event loop never waits
 *   on it. A check at deploy (`riskyShape`) still refuses the shapes that are
 *   known to take exponential time (a quantifier inside a quantifier, overlapping
 *   alternatives under a quantifier, backreferences): such a pattern would burn
 *   its whole timeout on every unlucky answer, and the user is better told at
 *   once, with the reason, than shown a timeout later. The check is deliberately
 *   a short list of shapes, not a proof; the worker is the proof.
 *
 * Where an address counts as one (`scanAddresses`) follows what peer clients
 * find, without their mistakes:
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
import { DdnsError } from './errors';
import { expandIpv6, parseAddress } from './address';

export const WHOLE_MATCH = -1;
export const WHOLE_STRING = -2;
/** a body full of addresses is a wrong origin, not a reason to spin */
export const MAX_CANDIDATES = 256;

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
    for (const candidate of extractCandidates(subject, pattern)) {
      // a sentence like "Your IP is 1.2.3.4." leaves a trailing dot on what a pattern picked
      const parsed = parseAddress(candidate) ?? parseAddress(withoutTrailingDots(candidate));
      out.push(parsed ? parsed.address : candidate);
    }
  }
  return out;
}

// ---------------------------------------------------------------- the built-in scanner

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

function withoutTrailingDots(text: string): string {
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

// ---------------------------------------------------------------- shapes that backtrack exponentially

/**
 * First characters an expression can start with: a bitmap of ASCII, plus one
 * bit for everything above it. Enough to tell `(a|b)+` (safe) from `(a|ab)+`.
 */
class CharSet {
  readonly ascii = new Uint32Array(4);
  other = false;

  static any(): CharSet {
    const s = new CharSet();
    s.ascii.fill(0xffffffff);
    s.other = true;
    return s;
  }

  add(from: number, to = from): this {
    for (let c = from; c <= to; c++) {
      if (c < 128) this.ascii[c >> 5] |= 1 << (c & 31);
      else {
        this.other = true;
        break;
      }
    }
    return this;
  }

  addAll(other: CharSet): this {
    for (let k = 0; k < 4; k++) this.ascii[k] |= other.ascii[k];
    this.other ||= other.other;
    return this;
  }

  negate(): this {
    for (let k = 0; k < 4; k++) this.ascii[k] = ~this.ascii[k];
    this.other = true; // a negated class matches some non-ASCII character
    return this;
  }

  intersects(other: CharSet): boolean {
    for (let k = 0; k < 4; k++) if ((this.ascii[k] & other.ascii[k]) !== 0) return true;
    return this.other && other.other;
  }
}

function classEscape(letter: string): CharSet | undefined {
  const set = new CharSet();
  switch (letter.toLowerCase()) {
    case 'd':
      set.add(0x30, 0x39);
      break;
    case 'w':
      set.add(0x30, 0x39).add(0x41, 0x5a).add(0x61, 0x7a).add(0x5f);
      break;
    case 's':
      set.add(0x09, 0x0d).add(0x20).add(0x80);
      break;
    default:
      return undefined;
  }
  return letter === letter.toUpperCase() ? set.negate() : set;
}

interface Quantifier {
  min: number;
  max: number;
}

type Atom =
  | { kind: 'chars'; set: CharSet }
  | { kind: 'group'; body: Alternation }
  | { kind: 'assertion' }
  | { kind: 'backreference' };

interface Item {
  atom: Atom;
  quantifier?: Quantifier;
}

type Sequence = Item[];
type Alternation = Sequence[];

/**
 * A reader for the syntax of a pattern `new RegExp` has already accepted (no
 * `u` flag, so Annex B leniency: a `{` that starts no quantifier is a literal).
 * It only needs to see groups, alternatives, quantifiers and first characters.
 */
class PatternReader {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly groupCount: number,
  ) {}

  read(): Alternation {
    return this.alternation();
  }

  private alternation(): Alternation {
    const alternatives: Alternation = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  private sequence(): Sequence {
    const items: Sequence = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const atom = this.atom();
      const quantifier = this.quantifier();
      items.push(quantifier ? { atom, quantifier } : { atom });
    }
    return items;
  }

  private atom(): Atom {
    const c = this.src[this.pos++];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return { kind: 'chars', set: this.characterClass() };
      case '.':
        return { kind: 'chars', set: CharSet.any() };
      case '^':
      case '$':
        return { kind: 'assertion' };
      case '\\':
        return this.escape();
      default:
        return { kind: 'chars', set: new CharSet().add(c.charCodeAt(0)) };
    }
  }

  private group(): Atom {
    if (this.src.startsWith('?', this.pos)) {
      const lookbehindOrName = this.src.startsWith('?<', this.pos) && !this.src.startsWith('?<=', this.pos) && !this.src.startsWith('?<!', this.pos);
      if (lookbehindOrName) this.pos = this.src.indexOf('>', this.pos) + 1; // (?<name>
      else this.pos += this.src.startsWith('?<', this.pos) ? 3 : 2; // (?: (?= (?! (?<= (?<!
    }
    const body = this.alternation();
    this.pos++; // ')'
    return { kind: 'group', body };
  }

  private escape(): Atom {
    const c = this.src[this.pos++] ?? '\\';
    if (c === 'b' || c === 'B') return { kind: 'assertion' };
    if (c === 'k' && this.src[this.pos] === '<' && this.groupCount > 0) return { kind: 'backreference' };
    if (c >= '1' && c <= '9') {
      let digits = c;
      while (/\d/.test(this.src[this.pos] ?? '')) digits += this.src[this.pos++];
      if (Number(digits) <= this.groupCount) return { kind: 'backreference' };
      return { kind: 'chars', set: CharSet.any() }; // an octal escape: some character
    }
    return { kind: 'chars', set: this.escapedCharacter(c) };
  }

  private escapedCharacter(c: string): CharSet {
    const known = classEscape(c);
    if (known) return known;
    const controls: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, '0': 0 };
    if (c in controls) return new CharSet().add(controls[c]);
    // \xHH, \uHHHH, \cX and the like: some character; "any" only makes the check stricter
    if (c === 'x' || c === 'u' || c === 'c') return CharSet.any();
    return new CharSet().add(c.charCodeAt(0));
  }

  private characterClass(): CharSet {
    const set = new CharSet();
    const negated = this.src[this.pos] === '^';
    if (negated) this.pos++;
    // in JavaScript a "]" right after "[" closes the class ([] matches nothing)
    while (this.pos < this.src.length && this.src[this.pos] !== ']') {
      const from = this.classMember(set);
      if (from !== undefined && this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        this.pos++;
        const to = this.classMember(set);
        if (to !== undefined && to >= from) set.add(from, to);
      }
    }
    this.pos++; // ']'
    return negated ? set.negate() : set;
  }

  /** Adds one class member; returns its code when it is a single character (a range end). */
  private classMember(set: CharSet): number | undefined {
    const c = this.src[this.pos++];
    if (c !== '\\') {
      set.add(c.charCodeAt(0));
      return c.charCodeAt(0);
    }
    const e = this.src[this.pos++] ?? '\\';
    const known = classEscape(e);
    if (known) {
      set.addAll(known);
      return undefined;
    }
    const escaped = e === 'b' ? new CharSet().add(8) : this.escapedCharacter(e);
    set.addAll(escaped);
    return e === 'b' ? 8 : e.length === 1 && !'xuc'.includes(e) ? e.charCodeAt(0) : undefined;
  }

  private quantifier(): Quantifier | undefined {
    const c = this.src[this.pos];
    let q: Quantifier | undefined;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q) this.pos++;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 24));
      if (!m) return undefined; // a literal "{"
      this.pos += m[0].length;
      q = { min: Number(m[1]), max: m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]) };
    }
    if (q && this.src[this.pos] === '?') this.pos++; // lazy: the same search space
    return q;
  }
}

function canBeEmpty(alternation: Alternation): boolean {
  return alternation.some((sequence) => sequence.every(itemCanBeEmpty));
}

function itemCanBeEmpty(item: Item): boolean {
  if (item.quantifier && item.quantifier.min === 0) return true;
  const { atom } = item;
  if (atom.kind === 'assertion' || atom.kind === 'backreference') return true;
  if (atom.kind === 'group') return canBeEmpty(atom.body);
  return false;
}

function firstChars(sequence: Sequence): CharSet {
  const set = new CharSet();
  for (const item of sequence) {
    const { atom } = item;
    if (atom.kind === 'chars') set.addAll(atom.set);
    else if (atom.kind === 'backreference') return CharSet.any();
    else if (atom.kind === 'group') for (const alternative of atom.body) set.addAll(firstChars(alternative));
    if (!itemCanBeEmpty(item)) break;
  }
  return set;
}

function hasUnboundedQuantifier(alternation: Alternation): boolean {
  return alternation.some((sequence) =>
    sequence.some(
      (item) => (item.quantifier?.max === Infinity) || (item.atom.kind === 'group' && hasUnboundedQuantifier(item.atom.body)),
    ),
  );
}

function hasBackreference(alternation: Alternation): boolean {
  return alternation.some((sequence) =>
    sequence.some((item) => item.atom.kind === 'backreference' || (item.atom.kind === 'group' && hasBackreference(item.atom.body))),
  );
}

const ADVICE = 'write it without repeating a repetition, e.g. ([\\d.]+) or (\\d+\\.){3}\\d+';

function riskIn(alternation: Alternation): string | undefined {
  for (const sequence of alternation) {
    for (const item of sequence) {
      if (item.atom.kind !== 'group') continue;
      const body = item.atom.body;
      if (item.quantifier?.max === Infinity) {
        if (hasUnboundedQuantifier(body)) {
          return `has a quantifier inside a quantifier ((…+)+), which can take exponential time; ${ADVICE}`;
        }
        if (canBeEmpty(body)) {
          return `repeats a group that can match nothing ((a?)+ or (a|)*), which can take exponential time; ${ADVICE}`;
        }
        const starts = body.map(firstChars);
        for (let a = 0; a < starts.length; a++) {
          for (let b = a + 1; b < starts.length; b++) {
            if (starts[a].intersects(starts[b])) {
              return `repeats alternatives that can match the same text ((a|ab)+, (\\d|\\w)*), which can take exponential time; make the alternatives start differently or use a character class such as [\\d.]`;
            }
          }
        }
      }
      const inner = riskIn(body);
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * Why a pattern has a shape known to backtrack exponentially, or undefined. The
 * shapes are the classic ones (OWASP "Regular expression Denial of Service";
 * safe-regex's star height): star height above 1, alternatives that overlap under
 * a quantifier, a repeated group that can match nothing, and backreferences,
 * which make matching NP-hard and which no address pattern needs.
 */
export function riskyShape(pattern: string, groupCount: number): string | undefined {
  let tree: Alternation;
  try {
    tree = new PatternReader(pattern, groupCount).read();
  } catch {
    return undefined; // the reader is a heuristic; the worker's deadline still bounds the pattern
  }
  if (hasBackreference(tree)) {
    return 'uses a backreference (\\1 or \\k<name>), which can take exponential time; no address pattern needs one';
  }
  return riskIn(tree);
}
