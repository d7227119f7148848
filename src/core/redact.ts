/**
 * Server text that reaches a message, a status, the log or the DDNS sidebar
 * passes through here: a hostile or careless server may echo what it was sent
 * (an `Authorization` header, a signed query, a JSON body), glue it to other
 * text, encode it again or cut it short, and read-only editor users see all of
 * those places. Every form a secret travels in is masked wherever it stands,
 * before an excerpt is cut, and only a short, printable excerpt of a body is
 * ever carried.
 *
 * The rule, by the length of a form (the secret itself, or one of its encodings):
 * - 6 characters or more: masked wherever it stands, glued to letters or not
 *   (`valueX<token>Y` is `valueX***Y`).
 * - 3 to 5 characters: masked only where it stands on its own (between
 *   characters that are not letters, digits or underscores). A secret that
 *   short is inside ordinary words (`ERR_SSL_WRONG_VERSION_NUMBER` with the
 *   password `WRONG`): masking it there would garble the text and point at
 *   the secret, while the secret is weak whatever a text shows.
 * - shorter: not masked at all (a 2-letter password is in every other word).
 * Server text may also be cut inside a secret (by the server, or by the head
 * we read): in server text, a form of 8 characters or more leaves neither its
 * start at the end of a text or word nor its end at the start of one (6
 * characters or half the form, whichever is less, are enough to be masked; a
 * piece under 6 characters only where it stands alone, as a short secret),
 * and a form of 16 characters or more (a token, a key, a signature) leaves no
 * piece of 8 characters anywhere. A cut leaving less than that (5 characters
 * of a 44-character token) is not told from ordinary text.
 *
 * Labels alone mask nothing: "API token: create" and "the signature: the
 * secret of key" are the package's own words. Values are masked without
 * knowing the secret only where their place says they are credentials: an
 * echoed `Authorization` (or `X-Auth-Key`, `X-API-Key`) header, a `Bearer` or
 * `Basic` value, a query parameter (`?token=`, `&Signature=`) and a JSON
 * member (`"password": "..."`) named for a secret. The node-level pass over
 * whole messages (redactForms) masks whole forms and those values only, never
 * pieces: its text holds the package's own words beside excerpts that are
 * already masked. The one exception to "own words stay whole": a secret that
 * is itself one of those words (a password `update`) is masked there too, as
 * nothing can tell the two apart.
 */

const MASK = '***';
/** shorter forms are not masked at all */
const MIN_FORM_LENGTH = 3;
/** from this length a form is masked wherever it stands; shorter ones only where they stand alone */
const MIN_GLUED_LENGTH = 6;
/** from this length a form's start at the end of a text (its end at the start) is masked */
const MIN_CUT_FORM_LENGTH = 8;
/** how much of a cut form is enough to mask: this, or half the form when that is less */
const CUT_LENGTH = 6;
/** from this length no piece of a form (PIECE_LENGTH characters or more) is left anywhere */
const LONG_FORM_LENGTH = 16;
const PIECE_LENGTH = 8;
export const EXCERPT_LENGTH = 120;

function base64Variants(base64: string): string[] {
  const bare = base64.replace(/=+$/, '');
  return [base64, bare, bare.replace(/\+/g, '-').replace(/\//g, '_')];
}

/**
 * The base64 of any text that holds `text` (a header, a JSON body, `user:password`)
 * holds one of these three: its bytes from offset 0, 1 or 2, in whole groups of three.
 */
function base64Pieces(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: string[] = [];
  for (let skip = 0; skip < 3; skip++) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    // a piece of 8 characters stands for 6 bytes; shorter ones would be in ordinary base64 by chance
    if (whole >= 6) out.push(bytes.subarray(skip, skip + whole).toString('base64'));
  }
  return out;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One secret and, where they differ, its encodings as a request carries them or a server echoes them. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const encoded = encodeURIComponent(secret);
  forms.add(encoded);
  // some encoders leave these, others escape them; lower-case hex is as common as upper-case
  forms.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(encoded.replace(/%20/g, '+'));
  // inside a JSON string; PHP's json_encode also escapes '/'
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/'));
  forms.add(escapeHtml(secret));
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  for (const form of base64Variants(base64)) forms.add(form);
  // an echoed header value encoded whole (a proxy's log line, a debug page)
  for (const scheme of ['Bearer', 'Basic']) {
    for (const form of base64Variants(Buffer.from(`${scheme} ${secret}`, 'utf8').toString('base64'))) forms.add(form);
  }
  // the secret somewhere inside base64 text, and its base64 inside base64 text (`Basic <base64>` encoded again)
  for (const piece of [...base64Pieces(secret), ...base64Pieces(base64)]) {
    forms.add(piece);
    forms.add(piece.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms];
}

/**
 * The secrets of an HTTP Basic login: the password and the base64 of
 * `user:password` the header carries (padded and not). The plain pair is not
 * one of them: its start is the user name, no secret, and the password in it
 * is masked as the password.
 */
export function basicAuthForms(username: string, password: string): string[] {
  const pair = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  return [password, pair, pair.replace(/=+$/, '')];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const WORD = /[A-Za-z0-9_]/;

function standsAlone(text: string, start: number, end: number): boolean {
  return (start === 0 || !WORD.test(text[start - 1])) && (end >= text.length || !WORD.test(text[end]));
}

// credentials whose place in the text says what they are, masked even when we do not know the secret
const AUTH_HEADER = /\b((?:Proxy-)?Authorization|X-Auth-Key|X-Auth-Token|X-API-Key)(\s*[:=]\s*)(?:(Bearer|Basic|Token|Digest|Bot|ApiKey)\s+)?([^\s,;"'<>]+)/gi;
const BASIC_VALUE = /\bBasic\s+([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g;
const BEARER_VALUE = /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g;
const QUERY_SECRET = /(^|[?&;\s])(Signature|SignatureNonce|AccessKeyId|password|passwd|pwd|token|secret|apikey|api_key|access_token|auth_token)=([^\s&"'<>#]+)/gi;
// the name's letters are bounded, so that a long run of them cannot make the match quadratic
const JSON_SECRET = /("[A-Za-z_-]{0,32}(?:password|passwd|secret|token|api_?key)[A-Za-z_-]{0,32}"\s*:\s*")((?:[^"\\]|\\.)+)"/gi;

/** a header value without a scheme is masked when it looks like a credential, not a word ("Authorization: required") */
function looksLikeCredential(value: string): boolean {
  return value.length >= 8 && /[0-9+/=_.~-]/.test(value);
}

function maskCredentialValues(text: string): string {
  return text
    .replace(AUTH_HEADER, (match, name: string, sep: string, scheme: string | undefined, value: string) => {
      if (scheme) return `${name}${sep}${scheme} ${MASK}`;
      return looksLikeCredential(value) ? `${name}${sep}${MASK}` : match;
    })
    .replace(BASIC_VALUE, (match, token: string) => (Buffer.from(token, 'base64').toString('latin1').includes(':') ? `Basic ${MASK}` : match))
    .replace(BEARER_VALUE, `Bearer ${MASK}`)
    .replace(QUERY_SECRET, (_m, before: string, name: string) => `${before}${name}=${MASK}`)
    .replace(JSON_SECRET, (_m, head: string) => `${head}${MASK}"`);
}

// a provider passes the same secrets array for every answer of an account: its forms and pieces are worked out once
const formsOf = new WeakMap<ReadonlyArray<string | undefined>, string[]>();
const piecesOf = new WeakMap<readonly string[], Pieces>();

interface Pieces {
  /** every PIECE_LENGTH-character piece of the long forms */
  all: Set<string>;
  /** the first two characters of each, hashed: most places in a text are passed over without a string made */
  starts: Uint8Array;
}

const pairAt = (text: string, at: number) => ((text.charCodeAt(at) << 8) ^ text.charCodeAt(at + 1)) & 0xffff;

function longFormPieces(forms: readonly string[]): Pieces {
  const known = piecesOf.get(forms);
  if (known) return known;
  const pieces: Pieces = { all: new Set(), starts: new Uint8Array(0x10000) };
  for (const form of forms) {
    if (form.length < LONG_FORM_LENGTH) continue;
    for (let i = 0; i + PIECE_LENGTH <= form.length; i++) {
      pieces.all.add(form.slice(i, i + PIECE_LENGTH));
      pieces.starts[pairAt(form, i)] = 1;
    }
  }
  piecesOf.set(forms, pieces);
  return pieces;
}

/**
 * Every form of every secret worth masking, longest first (so a base64 pair is
 * masked whole before a password inside it could be): worked out once, where
 * the secrets are known (an account), not for every text.
 */
export function maskingForms(secrets: ReadonlyArray<string | undefined>): string[] {
  const known = formsOf.get(secrets);
  if (known) return known;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of secretForms(secret)) if (form.length >= MIN_FORM_LENGTH) forms.add(form);
  }
  const out = [...forms].sort((a, b) => b.length - a.length);
  formsOf.set(secrets, out);
  return out;
}

function maskWholeForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) {
    if (!out.includes(form)) continue;
    if (form.length >= MIN_GLUED_LENGTH) {
      out = out.split(form).join(MASK);
      continue;
    }
    const pattern = new RegExp(escapeRegExp(form), 'g');
    out = out.replace(pattern, (match, offset: number, whole: string) => (standsAlone(whole, offset, offset + match.length) ? MASK : match));
  }
  return out;
}

/** Where `text` holds a cut-off form: a long form's pieces anywhere, a form's start ending a word, its end starting one. */
function cutFormSpans(text: string, forms: readonly string[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const pieces = longFormPieces(forms);
  if (pieces.all.size > 0) {
    for (let i = 0; i + PIECE_LENGTH <= text.length; i++) {
      if (pieces.starts[pairAt(text, i)] === 1 && pieces.all.has(text.slice(i, i + PIECE_LENGTH))) spans.push([i, i + PIECE_LENGTH]);
    }
  }
  // a piece as short as a short secret is masked only where a short secret would be: standing alone
  const addCut = (start: number, end: number) => {
    if (end - start >= MIN_GLUED_LENGTH || standsAlone(text, start, end)) spans.push([start, end]);
  };
  for (const form of forms) {
    if (form.length < MIN_CUT_FORM_LENGTH) continue;
    const least = Math.min(CUT_LENGTH, Math.ceil(form.length / 2));
    const head = form.slice(0, least);
    for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, at + 1)) {
      let end = at + least;
      while (end < text.length && end - at < form.length && text[end] === form[end - at]) end++;
      if (end === text.length || !WORD.test(text[end])) addCut(at, end);
    }
    const tail = form.slice(-least);
    for (let at = text.indexOf(tail); at >= 0; at = text.indexOf(tail, at + 1)) {
      const end = at + least;
      let start = at;
      while (start > 0 && end - start < form.length && text[start - 1] === form[form.length - (end - start) - 1]) start--;
      if (start === 0 || !WORD.test(text[start - 1])) addCut(start, end);
    }
  }
  return spans;
}

function maskSpans(text: string, spans: Array<[number, number]>): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue;
    if (start >= at) out += text.slice(at, start) + MASK;
    at = end;
  }
  return out + text.slice(at);
}

/**
 * Whole text of the package's (a message, a warning) that may hold server
 * excerpts: every whole form of the secrets (maskingForms) and every value
 * placed as a credential masked, the package's own words left whole.
 */
export function redactForms(text: string, forms: readonly string[]): string {
  return maskWholeForms(maskCredentialValues(text), forms);
}

/** Server text: as redactForms, and no cut-off piece of a secret left either. */
export function redactServerForms(text: string, forms: readonly string[]): string {
  const whole = redactForms(text, forms);
  return maskSpans(whole, cutFormSpans(whole, forms));
}

/** Server text with every form of every secret masked wherever it stands (see the rule above). */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  return redactServerForms(text, maskingForms(secrets));
}

/**
 * A short, printable excerpt of what a server wrote, secrets masked: markup
 * tags dropped, whitespace collapsed, control and non-ASCII characters shown
 * as `?`, at most `max` characters. Never a whole body.
 */
export function serverExcerpt(text: string, secrets: ReadonlyArray<string | undefined> = [], max = EXCERPT_LENGTH): string {
  const forms = maskingForms(secrets);
  // only the head is looked at: a body is bounded by the HTTP cap, but this stays linear in `max`; the
  // head reaches one longest form further, so that a secret starting inside it is masked whole, never cut.
  // Secrets are masked before the text is flattened, which could change a secret's spelling (a password
  // with `ü` or two spaces) so that it no longer matched, and again after, which could join a secret's
  // parts (a line break or a tag between them)
  const head = redactServerForms(text.slice(0, max * 8 + (forms[0]?.length ?? 0)), forms);
  const clean = head
    .replace(/<[^<>]{0,200}>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[^\x20-\x7e]/g, '?');
  const masked = redactServerForms(clean, forms);
  // what is cut here holds no secret any more: every form was masked above
  return masked.length > max ? `${masked.slice(0, max - 3)}...` : masked;
}
