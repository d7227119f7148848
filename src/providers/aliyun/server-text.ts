/**
 * What of an Alidns answer may be shown to people. Alibaba's gateway echoes
 * requests: SignatureDoesNotMatch carries "server string to sign is:GET&%2F&
 * AccessKeyId%3D...%26SignatureNonce%3D..." (the AccessKey ID and the nonce
 * double URL-encoded), and a proxy or a careless server may quote the signed
 * query itself. Read-only editor users see messages, the status and the DDNS
 * sidebar, so every form of the request's AccessKey ID, secret, signature and
 * nonce is masked (through src/core/redact.ts), only a short excerpt is kept,
 * and text that still holds one of them after masking is not shown at all.
 */
import { redactSecrets, secretForms, serverExcerpt } from '../../core/redact';
import { percentEncode } from './sign';

/** The values one signed request must never show, with the encodings a string to sign gives them. */
export function requestSecrets(values: ReadonlyArray<string | undefined>): string[] {
  const out = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    out.add(value);
    // percent-encoded once as in the query; secretForms adds the second encoding of the string to sign
    out.add(percentEncode(value));
  }
  return [...out];
}

/** Every spelling of the secrets that must not survive: plain, encoded once and twice, in either hex case. */
function forbiddenForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const form of secretForms(secret)) if (form.length >= 3) forms.add(form);
  }
  return [...forms];
}

function holdsSecret(text: string, secrets: readonly string[]): boolean {
  return forbiddenForms(secrets).some((form) => text.includes(form));
}

// a server's Message is short; past this nothing of it is looked at (the excerpt is far shorter still)
const HEAD = 2048;

/**
 * Undoes URL-encoding of ASCII characters (twice at most, as a string to sign
 * has it), so that `AccessKeyId%3DLTAI...` reads `AccessKeyId=LTAI...` and the
 * value is masked as a parameter of its own; multi-byte sequences stay encoded.
 */
function decodeAscii(text: string): string {
  let out = text;
  for (let round = 0; round < 3 && /%[0-7][0-9A-Fa-f]/.test(out); round++) {
    out = out.replace(/%([0-7][0-9A-Fa-f])/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return out;
}

/** Stands for server text that is not shown at all. */
export const WITHHELD = '\u0000withheld';

/**
 * A short excerpt of what the server wrote, with every form of `secrets`
 * masked; WITHHELD when one of them would still show; '' for no text.
 */
export function serverTextExcerpt(text: unknown, secrets: readonly string[]): string {
  if (typeof text !== 'string' || text.trim() === '') return '';
  const decoded = decodeAscii(text.slice(0, HEAD));
  // a secret of 3 to 5 characters is masked only where it stands alone (src/core/redact.ts); glued to other text
  // it stays, and such text is not shown at all
  if (holdsSecret(redactSecrets(decoded, secrets), secrets)) return WITHHELD;
  const excerpt = serverExcerpt(decoded, secrets);
  return holdsSecret(excerpt, secrets) ? WITHHELD : excerpt;
}

/**
 * A short token the server sent (its error Code, its RequestId) when it has
 * the expected shape and holds no secret; undefined otherwise.
 */
export function serverToken(value: unknown, shape: RegExp, secrets: readonly string[]): string | undefined {
  if (typeof value !== 'string' || !shape.test(value)) return undefined;
  return holdsSecret(value, secrets) ? undefined : value;
}

/** Text of our own (a transport error's message) with the secrets masked, or undefined when that is not enough. */
export function scrubbed(text: string, secrets: readonly string[]): string | undefined {
  const out = redactSecrets(text, secrets);
  return holdsSecret(out, secrets) ? undefined : out;
}
