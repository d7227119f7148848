/**
 * Namecheap's Dynamic DNS answer (https://www.namecheap.com/support/knowledgebase/article.aspx/29/11/how-to-dynamically-update-the-hosts-ip-with-an-http-request/):
 * a small XML `<interface-response>` with `ErrCount`, the errors as
 * `<errors><Err1>…</Err1>…</errors>`, `IP` (the address now held) and `Done`.
 *
 * Read with a tiny linear reader instead of an XML parser: the answer has a
 * fixed, flat shape, is capped in size before it is read, and a handful of
 * `indexOf` scans over it stay linear whatever a server sends. The
 * declaration says `encoding="utf-16"` while the bytes are UTF-8 (why
 * ddns-updater's namecheap provider overrides its decoder's charset reader);
 * the reader does not look at it.
 *
 * Error words follow the answers ddclient, ddns-updater and users' scripts
 * report: "Passwords do not match" (ResponseString "Validation error; invalid ;
 * password"), "Domain name not found", "No Records updated. A record not Found;".
 */
import { sameAddress } from '../../core/address';
import { DdnsError } from '../../core/errors';
import { serverExcerpt } from '../../core/redact';

/** errors read at most: Namecheap reports one; more is no answer to one update */
const MAX_ERRORS = 10;
/** a value longer than this is not one of Namecheap's short fields */
const MAX_VALUE = 512;

export interface InterfaceResponse {
  errCount: number;
  /** Err1..ErrN, as sent (entities decoded, not yet masked) */
  errors: string[];
  /** ResponseString of each response */
  responses: string[];
  ip?: string;
  done?: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The text of the first `<name>…</name>` in body[from, to); undefined when absent or not a short value. */
function element(body: string, name: string, from = 0, to = body.length): string | undefined {
  const open = body.indexOf(`<${name}>`, from);
  if (open < 0 || open >= to) return undefined;
  const start = open + name.length + 2;
  const end = body.indexOf(`</${name}>`, start);
  if (end < 0 || end > to || end - start > MAX_VALUE) return undefined;
  return decode(body.slice(start, end)).trim();
}

/** The span inside `<name>…</name>` (empty for `<name/>` or when absent). */
function region(body: string, name: string): { from: number; to: number } {
  const open = body.indexOf(`<${name}>`);
  if (open < 0) return { from: 0, to: 0 };
  const end = body.indexOf(`</${name}>`, open);
  return end < 0 ? { from: 0, to: 0 } : { from: open + name.length + 2, to: end };
}

/** The answer's fields, or undefined when the body is no `<interface-response>` with an ErrCount. */
export function readInterfaceResponse(body: string): InterfaceResponse | undefined {
  if (body.indexOf('<interface-response') < 0) return undefined;
  const count = element(body, 'ErrCount');
  if (count === undefined || !/^\d{1,4}$/.test(count)) return undefined;
  const errCount = Number(count);
  const errors: string[] = [];
  const inErrors = region(body, 'errors');
  for (let i = 1; i <= Math.min(errCount, MAX_ERRORS); i++) {
    const text = element(body, `Err${i}`, inErrors.from, inErrors.to);
    if (text !== undefined) errors.push(text);
  }
  const responses: string[] = [];
  const inResponses = region(body, 'responses');
  let at = inResponses.from;
  while (responses.length < MAX_ERRORS && at < inResponses.to) {
    const next = body.indexOf('<ResponseString>', at);
    if (next < 0 || next >= inResponses.to) break;
    const text = element(body, 'ResponseString', next, inResponses.to);
    if (text !== undefined) responses.push(text);
    at = next + 16;
  }
  const ip = element(body, 'IP');
  const done = element(body, 'Done');
  return { errCount, errors, responses, ...(ip ? { ip } : {}), ...(done !== undefined ? { done } : {}) };
}

export interface UpdateContext {
  /** `home.example.com`, for the messages */
  name: string;
  host: string;
  domain: string;
  /** the address sent */
  value: string;
  secrets: readonly string[];
  statusCode: number;
}

/**
 * The failure an answer says, or undefined for a success that holds the
 * address sent. The provider's first error (masked, short) is the providerCode.
 */
export function answerFailure(answer: InterfaceResponse, ctx: UpdateContext): DdnsError | undefined {
  const where = `Namecheap ${ctx.name}`;
  const meta = { statusCode: ctx.statusCode };
  if (answer.errCount > 0) {
    const said = [...answer.errors, ...answer.responses];
    const first = serverExcerpt(answer.errors[0] ?? answer.responses[0] ?? `${answer.errCount} errors`, ctx.secrets, 80);
    const detail = serverExcerpt(said.join('; ') || first, ctx.secrets);
    const all = said.join('\n');
    const providerCode = first;
    if (/passwords? do not match|invalid\s*;\s*password/i.test(all)) {
      return new DdnsError('EAUTH', `${where}: Namecheap refused the Dynamic DNS password for ${ctx.domain} (${detail}): use the password on the domain's Advanced DNS page, not the Namecheap login`, { ...meta, providerCode });
    }
    if (/domain name not found|not found\s*;\s*domain/i.test(all)) {
      return new DdnsError('ENOTFOUND', `${where}: Namecheap does not know the domain ${ctx.domain} (${detail}): check the account's domain, and that it is in this Namecheap account`, { ...meta, providerCode });
    }
    if (/record not found|no records updated/i.test(all)) {
      return new DdnsError('ENOTFOUND', `${where}: Namecheap has no Dynamic DNS record for the host ${ctx.host} in ${ctx.domain} (${detail}): add an "A + Dynamic DNS Record" for it on the domain's Advanced DNS page; Dynamic DNS changes records, it never creates them`, { ...meta, providerCode });
    }
    return new DdnsError('EPROVIDER', `${where}: Namecheap refused the update: ${detail}`, { ...meta, providerCode });
  }
  if (answer.done === undefined || answer.done.toLowerCase() !== 'true') {
    return new DdnsError('EBADRESPONSE', `${where}: Namecheap reported no error but did not say the update was done (Done: ${serverExcerpt(answer.done ?? 'missing', ctx.secrets, 20)})`, meta);
  }
  if (answer.ip !== undefined && !sameAddress(answer.ip, ctx.value)) {
    return new DdnsError('EBADRESPONSE', `${where}: Namecheap answered without errors but holds ${serverExcerpt(answer.ip, ctx.secrets, 45)}, not ${ctx.value}`, meta);
  }
  return undefined;
}
