/**
 * The deploy-time check of a user's pattern: refuses the shapes known to make
 * a backtracking regular expression take exponential time, with the reason.
 *
 * JavaScript regular expressions backtrack, and no static check can prove a
 * pattern linear: even `\d+x` is quadratic on a body of digits (2 s for
 * 64 KB). So the guarantee is where the pattern runs, not what it looks like:
 * `pattern-runner.ts` runs it in a worker thread that is terminated at the
 * lookup's deadline, and the event loop never waits on it. This check still
 * refuses the shapes that are known to take exponential time (a quantifier
 * inside a quantifier, overlapping alternatives under a quantifier,
 * backreferences): such a pattern would burn its whole timeout on every
 * unlucky answer, and the user is better told at once, with the reason, than
 * shown a timeout later. The check is deliberately a short list of shapes, not
 * a proof; the worker is the proof.
 */

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

/** Every character any part of an expression can match: coarser than firstChars, never smaller. */
function charsIn(alternation: Alternation): CharSet {
  const set = new CharSet();
  for (const sequence of alternation) {
    for (const { atom } of sequence) {
      if (atom.kind === 'chars') set.addAll(atom.set);
      else if (atom.kind === 'backreference') return CharSet.any();
      else if (atom.kind === 'group') set.addAll(charsIn(atom.body));
    }
  }
  return set;
}

/** An item that can take an unbounded stretch of text: `x*`, `x+`, `x{2,}`, or a group holding one. */
function isUnbounded(item: Item): boolean {
  return item.quantifier?.max === Infinity || (item.atom.kind === 'group' && hasUnboundedQuantifier(item.atom.body));
}

function itemChars(item: Item): CharSet {
  const { atom } = item;
  if (atom.kind === 'chars') return atom.set;
  if (atom.kind === 'group') return charsIn(atom.body);
  return atom.kind === 'backreference' ? CharSet.any() : new CharSet();
}

/**
 * What can come right after item `index` inside one pass of a group repeated
 * a counted number of times: the items after it, and when they can all match
 * nothing, the start of the group's next pass.
 */
function nextInPass(sequence: Sequence, index: number, body: Alternation): CharSet {
  const set = firstChars(sequence.slice(index + 1));
  if (sequence.slice(index + 1).every(itemCanBeEmpty)) for (const alternative of body) set.addAll(firstChars(alternative));
  return set;
}

/**
 * `(.*a){12}`: each pass's unbounded part can also take what ends the pass, so
 * a failing match tries every way of cutting the text into 12 pieces. The
 * classic star-height check misses it because `{12}` is a bounded quantifier.
 * `(\d+\.){3}` stays allowed: a digit run cannot take the dot that ends it.
 */
function countedRepetitionRisk(body: Alternation): boolean {
  for (const sequence of body) {
    for (let i = 0; i < sequence.length; i++) {
      if (isUnbounded(sequence[i]) && itemChars(sequence[i]).intersects(nextInPass(sequence, i, body))) return true;
    }
  }
  return false;
}

/**
 * `\d*\d*`, `.*\s*`: two unbounded runs side by side that can take the same
 * characters split every run between them in every way. Only direct
 * neighbours that are single characters or classes are checked: a run before a
 * group (`.*?([\d.]+)`) is a common and useful shape, and the worker's
 * deadline bounds what this check lets through.
 */
function adjacentRunsRisk(sequence: Sequence): boolean {
  for (let i = 0; i + 1 < sequence.length; i++) {
    const [a, b] = [sequence[i], sequence[i + 1]];
    if (a.atom.kind !== 'chars' || b.atom.kind !== 'chars') continue;
    if (a.quantifier?.max === Infinity && b.quantifier?.max === Infinity && a.atom.set.intersects(b.atom.set)) return true;
  }
  return false;
}

function riskIn(alternation: Alternation): string | undefined {
  for (const sequence of alternation) {
    if (adjacentRunsRisk(sequence)) {
      return `has two unbounded runs side by side that can take the same characters (\\d*\\d*, .*\\s*), which takes time growing with a power of the answer's length; merge them into one, e.g. \\d+ or [\\d.]+`;
    }
    for (const item of sequence) {
      if (item.atom.kind !== 'group') continue;
      const body = item.atom.body;
      const max = item.quantifier?.max ?? 1;
      if (max === Infinity) {
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
      } else if (max >= 2 && countedRepetitionRisk(body)) {
        return `repeats a group a counted number of times whose unbounded part can also take what follows it ((.*a){12}), which can take exponential time; end each repetition with a character the run cannot take, e.g. (\\d+\\.){3}\\d+`;
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
 * which make matching NP-hard and which no address pattern needs; and two
 * cousins the star height misses: a group repeated `{n}` times whose unbounded
 * part can take what ends a pass (`(.*a){12}b`), and two overlapping unbounded
 * runs side by side (`\d*\d*x`).
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
