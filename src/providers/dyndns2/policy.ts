/**
 * What each DynDNS2 answer obliges a client to do. The protocol is strict:
 * a fatal code must stop all updates for the host until a person fixes the
 * cause, `911`/`dnserr` ask for a pause, and repeated pointless updates get
 * accounts banned. HTTP trouble (5xx, timeouts, resets) is the only thing
 * worth retrying at once, with backoff; an answer nobody can read is a failure
 * that makes the host pause, longer each time the same answer comes back.
 *
 * Server text reaches messages only as a short excerpt with every form of the
 * login masked (src/core/redact.ts): an error page may echo the request's
 * `Authorization` header.
 */
import { formatTime } from '../../core/time';
import { sameAddress } from '../../core/address';
import { DdnsError, type ErrorCode } from '../../core/errors';
import { parseRetryAfter, type HttpResponse } from '../../core/http';
import { describeDuration } from '../../core/run';
import { redactSecrets, serverExcerpt } from '../../core/redact';
import type { PresetQuirks } from './presets';
import { isSuccessCode, looksLikeHtml, parseLine, splitLines, type AnswerLine, type ReturnCode, type SuccessCode } from './response';
import { FAMILIES, type Addresses, type Family } from './types';

/** `911` and `dnserr`: no request for the host for at least this long (No-IP: "no sooner than 30 minutes"). */
export const WAIT_AFTER_SERVER_TROUBLE_MS = 30 * 60_000;

/**
 * An answer that cannot be read or believed fails its host; when the same
 * answer comes back the next time, the host pauses `baseMs`, doubled with each
 * further repeat, up to `capMs` (ddclient's comment on echo checks: false errors
 * bring "an update attempt every min-error-interval"; its min-error-interval is
 * 5 minutes). A different answer starts the count again; a success forgets it.
 */
export const UNKNOWN_ANSWER_BACKOFF = { baseMs: 5 * 60_000, capMs: 24 * 3_600_000 };

/** The pause after the same unreadable answer came `repeats` times in a row: none after the first. */
export function unknownAnswerWaitMs(repeats: number): number {
  if (repeats < 2) return 0;
  const n = Math.min(repeats, 32);
  return Math.min(UNKNOWN_ANSWER_BACKOFF.capMs, UNKNOWN_ANSWER_BACKOFF.baseMs * 2 ** (n - 2));
}

/** The longest excerpt of server text put in a message. */
const EXCERPT = 80;

/**
 * serverExcerpt masked first on the raw text: the excerpt shows non-ASCII as `?`
 * and collapses whitespace, after which a password such as `pa$$/ü` no longer
 * matches the mask (only the head is looked at, as serverExcerpt does).
 */
function excerptOf(text: string, secrets: readonly string[], max = EXCERPT): string {
  return serverExcerpt(redactSecrets(text.slice(0, max * 8 + 2048), secrets), secrets, max);
}

interface Failure {
  /** the host's failure, its name first */
  error: DdnsError;
  /** the same without the host name, to give another host the same verdict */
  reason: string;
}

export type Verdict =
  | { kind: 'success'; providerCode: SuccessCode; note?: string }
  /** stop sending for this host until its configuration or credentials change */
  | ({ kind: 'block'; providerCode: string; accountWide: boolean } & Failure)
  /** no request for this host before `waitMs` has passed */
  | ({ kind: 'wait'; providerCode: string; accountWide: boolean; waitMs: number } & Failure)
  /**
   * not understood, or a success echoing an address that was not sent: failed,
   * never confirmed; `answer` is what it says, secrets masked and without
   * incidental text (a page's timestamp), to tell a repeat from a new answer
   */
  | ({ kind: 'unknown'; providerCode?: string; answer: string; wholeRequest: boolean } & Failure)
  /** the answer had no line for this host: failed this run only, sent again next time */
  | ({ kind: 'missing' } & Failure);

interface CodeRule {
  kind: 'block' | 'wait';
  code: ErrorCode;
  message: string;
  /** about the account, the client or the whole service: no later request of the same run can do better */
  accountWide?: boolean;
}

// Dyn: "Any failed update attempt is fatal ... the client [should be] disabled until the
// situation is corrected" (https://help.dyn.com/remote-access-api/return-codes/); so every
// error word blocks except the ones that ask for a pause.
const RULES: Record<Exclude<ReturnCode, SuccessCode>, CodeRule> = {
  badauth: { kind: 'block', code: 'EAUTH', message: 'user name or password refused', accountWide: true },
  '!donator': { kind: 'block', code: 'EPROVIDER', message: 'a requested option (offline, mx, ...) is not available to this account', accountWide: true },
  notfqdn: { kind: 'block', code: 'EPROVIDER', message: 'not a fully qualified host name' },
  // inadyn's common_response checks this spelling (DNSPark's word for notfqdn)
  nofqdn: { kind: 'block', code: 'EPROVIDER', message: 'not a fully qualified host name' },
  nohost: { kind: 'block', code: 'EPROVIDER', message: 'host name does not exist in this account' },
  numhost: { kind: 'block', code: 'EPROVIDER', message: 'too many host names in one request' },
  abuse: { kind: 'block', code: 'EBLOCKED', message: 'host is blocked by the provider for update abuse' },
  badagent: { kind: 'block', code: 'EBLOCKED', message: 'the provider refused this client (user agent)', accountWide: true },
  // ddclient (nic_dyndns2_update, nic_inwx_update): "The system parameter given was not valid";
  // OVH answers it with HTTP 200. The system parameter is in every request of the account.
  badsys: { kind: 'block', code: 'EPROVIDER', message: 'the server refused the system parameter of the update URL', accountWide: true },
  // the spelling qdm12/ddns-updater's ddnss provider checks for; same meaning
  badysys: { kind: 'block', code: 'EPROVIDER', message: 'the server refused the system parameter of the update URL', accountWide: true },
  // ddclient: "exists, but not under the username currently being used"
  '!yours': { kind: 'block', code: 'EPROVIDER', message: 'host name belongs to another account' },
  // ddclient: "in a Custom DNS domain which has not yet been activated"
  '!active': { kind: 'block', code: 'EPROVIDER', message: 'host name is in a domain that is not activated yet' },
  // qdm12/ddns-updater (dyn, ovh, selfhostde, strato, variomedia, desec, loopia): ErrBadRequest;
  // the same request stays bad until the configuration changes
  badrequest: { kind: 'block', code: 'EPROVIDER', message: 'the server called the update request malformed' },
  // qdm12/ddns-updater's spdyn provider reads it like nohost
  fatal: { kind: 'block', code: 'EPROVIDER', message: 'the server refused this host' },
  dnserr: { kind: 'wait', code: 'EWAIT', message: 'provider DNS error; pausing updates for 30 minutes' },
  '911': { kind: 'wait', code: 'EWAIT', message: 'provider trouble or maintenance; pausing updates for 30 minutes', accountWide: true },
  // ddclient's nic_dynu_update: "Server error; retry later"
  servererror: { kind: 'wait', code: 'EWAIT', message: 'provider server error; pausing updates for 30 minutes', accountWide: true },
};

/**
 * Dyn's return-code page lists `good 127.0.0.1` as the answer to a client that
 * does not follow the specification: the request was ignored. Handled like
 * `badagent`.
 */
export const IGNORED_REQUEST_ADDRESS = '127.0.0.1';

const ACCOUNT_WIDE_HTTP = new Set(['HTTP 401', 'HTTP 403']);

/**
 * Codes that concern the account, the client or the whole service, not one
 * host: after one of them no further request of the same run can do better,
 * so none is sent.
 */
export function isAccountWide(providerCode: string): boolean {
  if (ACCOUNT_WIDE_HTTP.has(providerCode)) return true;
  if (/^(good|nochg) 127\.0\.0\.1$/.test(providerCode)) return true;
  const rule = (RULES as Record<string, CodeRule | undefined>)[providerCode];
  return rule?.accountWide === true;
}

function failure(host: string | undefined, code: ErrorCode, reason: string, options: ConstructorParameters<typeof DdnsError>[2] = {}): Failure {
  return { error: new DdnsError(code, host ? `${host}: ${reason}` : reason, { ...options, ...(host && options?.key ? { at: host } : {}) }), reason };
}

/** The catalog key of a return code's words (`runtime.reason.dyndns2.<word>`; `!yours` is `not-yours`). */
export function answerKey(code: string): string {
  return `dyndns2.${code.replace(/^!/, 'not-')}`;
}

export function verdictForCode(code: ReturnCode, host?: string, detail = ''): Verdict {
  if (isSuccessCode(code)) return { kind: 'success', providerCode: code };
  const rule = RULES[code];
  const said = detail ? ` "${detail}"` : '';
  const reason = `${rule.message} (${code}${said})`;
  const accountWide = rule.accountWide === true;
  // the provider's words (the code, what followed it) are quoted as they are
  const keyed = { providerCode: code, key: answerKey(code), params: { code, answer: `${code}${said}` } };
  if (rule.kind === 'wait') {
    return { kind: 'wait', providerCode: code, accountWide, waitMs: WAIT_AFTER_SERVER_TROUBLE_MS, ...failure(host, rule.code, reason, keyed) };
  }
  return { kind: 'block', providerCode: code, accountWide, ...failure(host, rule.code, reason, keyed) };
}

/** 401/403 without a return code in the body: as good as `badauth`. */
export function verdictForAuthStatus(status: 401 | 403, host?: string): Verdict {
  const providerCode = `HTTP ${status}`;
  const [code, reason]: [ErrorCode, string] = status === 401 ? ['EAUTH', 'credentials refused (HTTP 401)'] : ['EFORBIDDEN', 'update not allowed (HTTP 403)'];
  return { kind: 'block', providerCode, accountWide: true, ...failure(host, code, reason, { providerCode, statusCode: status, key: `dyndns2.http-${status}` }) };
}

/**
 * The same verdict for another host: after an account-wide answer the hosts of
 * later batches get it without a request, each with its own name in the message.
 */
export function verdictForHost(verdict: Verdict, host: string): Verdict {
  if (verdict.kind === 'success') return verdict;
  const { error } = verdict;
  const options = { providerCode: error.providerCode, statusCode: error.statusCode, retryable: error.retryable };
  const keyed = error.key ? { key: error.key, ...(error.params ? { params: error.params } : {}), at: host } : {};
  return { ...verdict, error: new DdnsError(error.code, `${host}: ${verdict.reason}`, { ...options, ...keyed }) };
}

/** The error a host carries while it is skipped because of an earlier block. */
export function blockedError(host: string, providerCode: string, since: number): DdnsError {
  return new DdnsError(
    'EBLOCKED',
    `${host}: not sent; blocked since ${formatTime(since)} by "${providerCode}" until the configuration or credentials change`,
    { providerCode, key: 'record.blocked-since', params: { answer: providerCode, time: formatTime(since) }, at: host },
  );
}

export function waitingError(host: string, providerCode: string | undefined, until: number): DdnsError {
  return new DdnsError('EWAIT', `${host}: not sent; no request before ${formatTime(until)} after the server's last answer`, {
    providerCode,
    key: 'record.waiting',
    params: { time: formatTime(until) },
    at: host,
    retryable: true,
  });
}

/** What the verdicts of one request are read against. */
export interface AnswerContext {
  /** the hosts of the request, in the order they were sent */
  hostnames: readonly string[];
  /** the addresses the request carried */
  sent: Addresses;
  /** every form of the login, masked in any server text carried on */
  secrets: readonly string[];
  quirks?: PresetQuirks;
  now?: number;
}

/** A server's word as a providerCode: printable, short, and never a secret. */
function safeWord(word: string, secrets: readonly string[]): string | undefined {
  if (word === '' || word.length > 32 || /[^\x21-\x7e]/.test(word)) return undefined;
  const clean = redactSecrets(word, secrets);
  return clean === word ? word : undefined;
}

function unknown(host: string, reason: string, answer: string, options: { providerCode?: string; code?: ErrorCode; statusCode?: number; wholeRequest?: boolean } = {}): Verdict {
  const code = options.code ?? 'EBADRESPONSE';
  const verdict: Verdict = {
    kind: 'unknown',
    answer,
    wholeRequest: options.wholeRequest === true,
    ...failure(host, code, reason, { providerCode: options.providerCode, statusCode: options.statusCode }),
  };
  if (options.providerCode) verdict.providerCode = options.providerCode;
  return verdict;
}

/**
 * An update without IPv4 whose echo holds every address it sent besides 127.0.0.1
 * was not ignored: the server took the IPv6 and filled the A record itself from
 * the request's source address (Dyn: myip defaults to the client's address), which
 * is loopback when client and server share a host. Dyn's sign of an ignored
 * request is 127.0.0.1 in place of what was sent.
 */
function echoesAllSent(echo: readonly string[], sent: Addresses): boolean {
  if (sent.ipv4 !== undefined) return false;
  return FAMILIES.every((f) => sent[f] === undefined || echo.some((address) => sameAddress(address, sent[f])));
}

/**
 * A success is believed only for the addresses that were sent: an echoed
 * address of a family the request carried must be that address. The combined
 * form echoes both (No-IP: "both ips will be returned in a comma separated
 * list", https://www.noip.com/integrate/response); each is compared. ddclient
 * ignores the echo because textual comparison is brittle; addresses here are
 * compared canonically, so `192.000.002.001`-style noise cannot fail a host.
 */
function verdictForSuccess(answer: Extract<AnswerLine, { kind: 'code' }>, host: string, ctx: AnswerContext): Verdict {
  const code = answer.code as SuccessCode;
  const excerpt = excerptOf(answer.line, ctx.secrets);
  if (answer.addresses.includes(IGNORED_REQUEST_ADDRESS) && !sameAddress(ctx.sent.ipv4, IGNORED_REQUEST_ADDRESS) && !echoesAllSent(answer.addresses, ctx.sent)) {
    const providerCode = `${code} ${IGNORED_REQUEST_ADDRESS}`;
    const reason = `the server ignored the update: it answered "${excerpt}", which Dyn's return codes define as a request from a client it does not accept; blocked like badagent`;
    return { kind: 'block', providerCode, accountWide: true, ...failure(host, 'EBLOCKED', reason, { providerCode }) };
  }
  // an echoed family the request did not carry is what the server holds besides; it is not compared
  const differs = answer.addresses.filter((address) => {
    const family: Family = address.includes(':') ? 'ipv6' : 'ipv4';
    return ctx.sent[family] !== undefined && !sameAddress(ctx.sent[family], address);
  });
  if (differs.length > 0) {
    const sent = FAMILIES.map((f) => ctx.sent[f]).filter(Boolean).join(',');
    const reason = `the server answered "${excerpt}" to an update with ${sent}: not the address sent, so not recorded as confirmed`;
    return unknown(host, reason, `${code} ${answer.addresses.join(',')}`, { providerCode: code });
  }
  return { kind: 'success', providerCode: code };
}

function verdictForLine(answer: AnswerLine, host: string, ctx: AnswerContext): Verdict {
  if (answer.kind === 'wait') {
    const minutes = Math.ceil(answer.waitMs / 60_000);
    const reason =
      answer.askedMs !== undefined
        ? `the server asked for a pause of ${describeDuration(answer.askedMs)} (${answer.word}); pausing ${describeDuration(answer.waitMs)}, the longest this node waits`
        : `the server asked for a pause of ${minutes} minute(s) (${answer.word})`;
    return { kind: 'wait', providerCode: answer.word, accountWide: false, waitMs: answer.waitMs, ...failure(host, 'EWAIT', reason, { providerCode: answer.word }) };
  }
  if (answer.kind === 'unknown') {
    const excerpt = excerptOf(answer.line, ctx.secrets);
    const providerCode = safeWord(answer.word, ctx.secrets);
    return unknown(host, `unknown answer "${excerpt}": not a DynDNS2 return code`, `word ${providerCode ?? '?'}`, { providerCode });
  }
  if (isSuccessCode(answer.code)) return verdictForSuccess(answer, host, ctx);
  return verdictForCode(answer.code, host, answer.rest === '' ? '' : excerptOf(answer.rest, ctx.secrets, 40));
}

function everyHost(ctx: AnswerContext, make: (host: string) => Verdict): Verdict[] {
  return ctx.hostnames.map(make);
}

/**
 * Lines to hosts, the way ddclient's nic_dyndns2_update reads them: line i
 * answers host i; a single line for several hosts answers all of them (Dyn
 * sends account-wide codes once; ddclient applies even a lone success to
 * every host, for servers that answer once per request); a host without a line
 * failed this run; surplus lines are ignored.
 */
function verdictsForLines(lines: readonly string[], ctx: AnswerContext): Verdict[] {
  const answers = lines.map(parseLine);
  const count = ctx.hostnames.length;
  if (answers.length === 1 && count > 1) {
    return everyHost(ctx, (host) => {
      const verdict = verdictForLine(answers[0], host, ctx);
      return verdict.kind === 'success' ? { ...verdict, note: `one answer line for ${count} hosts, applied to each` } : verdict;
    });
  }
  return ctx.hostnames.map((host, i) => {
    if (i < answers.length) return verdictForLine(answers[i], host, ctx);
    const reason = `the server's answer had no line for this host (${answers.length} line(s) for ${count} hosts); sent again next time`;
    return { kind: 'missing', ...failure(host, 'EBADRESPONSE', reason) };
  });
}

/**
 * One verdict per host from an HTTP answer, or a thrown, retryable DdnsError
 * for 5xx/429. Every 2xx body is read line by line; one that is not DynDNS2 at
 * all (HTML, empty) is an unknown answer for every host, never a success.
 */
export function interpretResponse(res: HttpResponse, ctx: AnswerContext): Verdict[] {
  const now = ctx.now ?? Date.now();
  const status = `HTTP ${res.status}`;
  const body = res.body;
  if (res.status >= 200 && res.status <= 299) {
    // selfHOST.de: HTTP 204 and no body for "no change" (qdm12/ddns-updater's selfhostde provider)
    if (res.status === 204 && body.trim() === '' && ctx.quirks?.noContentIsNochg) {
      return everyHost(ctx, () => ({ kind: 'success', providerCode: 'nochg', note: 'HTTP 204, this provider\'s "no change"' }));
    }
    if (looksLikeHtml(body)) {
      const reason = `the server answered with an HTML page, not a DynDNS2 return code: "${excerptOf(body, ctx.secrets)}"`;
      return everyHost(ctx, (host) => unknown(host, reason, `${status} html`, { wholeRequest: true }));
    }
    const lines = splitLines(body);
    if (lines.length === 0) {
      return everyHost(ctx, (host) => unknown(host, `the server answered ${status} with an empty body`, `${status} empty`, { wholeRequest: true }));
    }
    return verdictsForLines(lines, ctx);
  }
  // some servers send the return code with a 4xx/5xx status; only error codes count then
  const lines = splitLines(body);
  const single = lines.length === 1 ? parseLine(lines[0]) : undefined;
  if (single && ((single.kind === 'code' && !isSuccessCode(single.code)) || single.kind === 'wait')) {
    return everyHost(ctx, (host) => verdictForLine(single, host, ctx));
  }
  if (res.status === 401 || res.status === 403) return everyHost(ctx, (host) => verdictForAuthStatus(res.status as 401 | 403, host));
  const shown = body.trim() === '' ? '' : excerptOf(body, ctx.secrets);
  const detail = shown === '' ? '' : `: "${shown}"`;
  const throttled = res.status === 429;
  if (throttled || res.status >= 500) {
    const asked = parseRetryAfter(res.headers['retry-after'], now);
    throw new DdnsError(throttled ? 'ETHROTTLED' : 'EHTTPSTATUS', `server answered ${status}${detail}`, {
      statusCode: res.status,
      retryable: true,
      ...(asked === undefined ? {} : { retryAfterMs: asked }),
    });
  }
  // 3xx/4xx: the same request will get the same answer; no meaning a client can act on but to pause
  return everyHost(ctx, (host) =>
    unknown(host, `server answered ${status}${detail}`, status, { providerCode: status, code: 'EHTTPSTATUS', statusCode: res.status, wholeRequest: true }),
  );
}
