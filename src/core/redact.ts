/**
 * Server text that reaches a message, a status, the log or the DDNS sidebar
 * passes through here: a hostile or careless server may echo what it was sent
 * (an `Authorization` header, a signed query), and read-only editor users see
 * all of those places. Every form a secret travels in is masked, and only a
 * short, printable excerpt of a body is ever carried.
 *
 * A secret is masked where it stands on its own (between characters that are
 * not letters, digits or underscores), never inside a longer word: with the password `WRONG`,
 * `ERR_SSL_WRONG_VERSION_NUMBER` is someone else's text and stays as it is
 * (masking it would garble the message and also hint at the password).
 */

const MASK = '***';
/** shorter secrets are masked only in their encoded forms: a 2-letter word is everywhere */
const MIN_PLAIN_LENGTH = 3;
export const EXCERPT_LENGTH = 120;

/** One secret and, where they differ, its encodings as a request carries them. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const encoded = encodeURIComponent(secret);
  forms.add(encoded);
  // some encoders leave these, others escape them; lower-case hex is as common as upper-case
  forms.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(encoded.replace(/%20/g, '+'));
  forms.add(Buffer.from(secret, 'utf8').toString('base64'));
  forms.add(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''));
  return [...forms];
}

/** The forms of an HTTP Basic login (`user:password` in base64) besides the password's own. */
export function basicAuthForms(username: string, password: string): string[] {
  const pair = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  return [pair, pair.replace(/=+$/, ''), ...secretForms(password)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const WORD = /[A-Za-z0-9_]/;

function standsAlone(text: string, start: number, end: number): boolean {
  return (start === 0 || !WORD.test(text[start - 1])) && (end >= text.length || !WORD.test(text[end]));
}

// credentials in an echoed header or query, masked even when we do not know the secret
const BASIC_VALUE = /\bBasic\s+([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g;
const BEARER_VALUE = /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g;
const SECRET_PARAMS = /\b(Signature|SignatureNonce|AccessKeyId|password|passwd|pwd|token|secret|apikey|api_key)(\s*[=:]\s*"?)[^\s&"'<>,;]+/gi;

function maskCredentialValues(text: string): string {
  return text
    .replace(BASIC_VALUE, (match, token: string) => (Buffer.from(token, 'base64').toString('latin1').includes(':') ? `Basic ${MASK}` : match))
    .replace(BEARER_VALUE, `Bearer ${MASK}`)
    .replace(SECRET_PARAMS, (_m, name: string, sep: string) => `${name}${sep}${MASK}`);
}

/**
 * Every form of every secret worth masking, longest first (so a base64 pair is
 * masked whole before a password inside it could be): worked out once, where
 * the secrets are known (an account), not for every text.
 */
export function maskingForms(secrets: ReadonlyArray<string | undefined>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of secretForms(secret)) if (form.length >= MIN_PLAIN_LENGTH) forms.add(form);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every form of every secret masked where it stands on its own,
 * and credential-looking header values and query parameters masked whatever
 * they hold.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  return redactForms(text, maskingForms(secrets));
}

/** The same with the forms already worked out (maskingForms). */
export function redactForms(text: string, forms: readonly string[]): string {
  let out = maskCredentialValues(text);
  for (const form of forms) {
    if (!out.includes(form)) continue;
    const pattern = new RegExp(escapeRegExp(form), 'g');
    out = out.replace(pattern, (match, offset: number, whole: string) => (standsAlone(whole, offset, offset + match.length) ? MASK : match));
  }
  return out;
}

/**
 * A short, printable excerpt of what a server wrote, secrets masked: markup
 * tags dropped, whitespace collapsed, control and non-ASCII characters shown
 * as `?`, at most `max` characters. Never a whole body.
 */
export function serverExcerpt(text: string, secrets: ReadonlyArray<string | undefined> = [], max = EXCERPT_LENGTH): string {
  // only the head is looked at: a body is bounded by the HTTP cap, but this stays linear in `max`;
  // secrets are masked before the text is flattened, which could change a secret's spelling
  // (a password with `ü` or two spaces) so that it no longer matched
  const head = redactSecrets(text.slice(0, max * 8), secrets);
  const clean = head
    .replace(/<[^<>]{0,200}>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}
