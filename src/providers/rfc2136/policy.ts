/**
 * What each answer obliges the updater to do (the rules, RFC 2136 §2.2
 * and RFC 8945 §5.3 for the codes):
 *
 * - NOTAUTH, BADSIG, BADKEY: blocked (EAUTH) until the key or the
 *   configuration changes: sending the same update again can only fail the
 *   same way, and some servers rate-limit failed TSIG checks.
 *   BADKEY and BADSIG concern the key and so every name; NOTAUTH (without TSIG
 *   error: the server is not authoritative for the zone) concerns one zone.
 * - REFUSED: blocked (EFORBIDDEN), naming the zone and the server's update
 *   policy (BIND's `update-policy`/`allow-update`, Knot's `acl ... action:
 *   update`, PowerDNS's `ALLOW-DNSUPDATE-FROM`/`TSIG-ALLOW-DNSUPDATE`) as the
 *   likely cause: only a change there or here helps.
 * - NOTZONE: a configuration error (ECONFIG): a name is outside the zone.
 * - SERVFAIL, timeouts, network errors: tried again with backoff (the run).
 * - BADTIME: a clock problem (EAUTH), tried again a minute apart (the run's
 *   retries, `retryAfterMs`) and never blocked. A block lasts until the
 *   configuration changes, but the usual cause, a board without a
 *   battery-backed clock that booted before NTP set its time, fixes itself
 *   within minutes and changes nothing in the configuration: a block would
 *   outlive the cause and need a person.
 * - An answer that carries no valid signature never blocks (it may be forged
 *   or come from a server that cannot verify us); it fails the run. BADKEY and
 *   BADSIG are the exception: servers must send them unsigned (RFC 8945 §5.3.2).
 * - Anything else (FORMERR, NOTIMP, ...): the run fails, nothing is blocked.
 */
import { DdnsError, type ErrorCode } from '../../core/errors';
import type { DnsAnswer } from './client';
import { FUDGE_SECONDS, TSIG_ERROR, serverTimeOf, tsigErrorName } from './tsig';
import { rcodeName } from './wire';

export type Verdict =
  | { kind: 'ok' }
  /** no request for these names until the key or the configuration changes */
  | { kind: 'block'; providerCode: string; error: DdnsError; scope: 'key' | 'zone' }
  | { kind: 'fail'; providerCode: string; error: DdnsError }
  /** worth another attempt: thrown inside the exchange so the run backs off and retries */
  | { kind: 'retry'; error: DdnsError };

export interface Context {
  /** the zone of the update, or the name a query asked about */
  subject: string;
  keyName: string;
  algorithm: string;
  /** the pause before the next attempt after BADTIME */
  clockRetryMs: number;
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, NOTAUTH: 9, NOTZONE: 10 } as const;

function clockText(answer: DnsAnswer): string {
  const serverTime = answer.tsig ? serverTimeOf(answer.tsig) : undefined;
  const offset = answer.clockOffsetSeconds ?? (serverTime !== undefined && answer.tsig ? serverTime - answer.tsig.timeSigned : undefined);
  const size =
    offset === undefined ? `more than ${FUDGE_SECONDS} s` : `${Math.abs(offset)} s (this machine is ${offset > 0 ? 'behind' : 'ahead'})`;
  return `the clocks of this machine and the DNS server differ by ${size}; TSIG allows ${FUDGE_SECONDS} s: set the clock (NTP)`;
}

function error(code: ErrorCode, message: string, providerCode: string, retryable = false): DdnsError {
  return new DdnsError(code, `${message} (${providerCode})`, { providerCode, retryable });
}

/** TSIG verdicts and the clock: the same for queries and updates. Undefined when the TSIG part is fine. */
function tsigVerdict(answer: DnsAnswer, ctx: Context): Verdict | undefined {
  if (answer.clockOffsetSeconds !== undefined || answer.tsigError === TSIG_ERROR.BADTIME) {
    const clock = new DdnsError('EAUTH', `${clockText(answer)} (BADTIME)`, { providerCode: 'BADTIME', retryable: true, retryAfterMs: ctx.clockRetryMs });
    return { kind: 'retry', error: clock };
  }
  if (answer.tsigError === TSIG_ERROR.BADKEY) {
    const text = `the DNS server does not know the key "${ctx.keyName}" with algorithm ${ctx.algorithm}: check the key name and the algorithm`;
    return { kind: 'block', providerCode: 'BADKEY', error: error('EAUTH', text, 'BADKEY'), scope: 'key' };
  }
  if (answer.tsigError === TSIG_ERROR.BADSIG) {
    const text = `the DNS server refused the signature: the secret of key "${ctx.keyName}" is not the one it has`;
    return { kind: 'block', providerCode: 'BADSIG', error: error('EAUTH', text, 'BADSIG'), scope: 'key' };
  }
  if (answer.tsigError !== undefined) {
    const name = tsigErrorName(answer.tsigError);
    return { kind: 'fail', providerCode: name, error: error('EAUTH', 'the DNS server refused the TSIG signature', name) };
  }
  return undefined;
}

/** An unsigned answer may fail the run but never block: it could be forged. */
function trusted(verdict: Verdict, answer: DnsAnswer): Verdict {
  if (verdict.kind !== 'block' || answer.signed || answer.tsigError !== undefined) return verdict;
  const e = verdict.error;
  return { kind: 'fail', providerCode: verdict.providerCode, error: new DdnsError(e.code, `${e.message}; the answer was not signed, so nothing is blocked`, { providerCode: verdict.providerCode }) };
}

/** The verdict on the answer to an UPDATE of zone `ctx.subject`. */
export function updateVerdict(answer: DnsAnswer, ctx: Context, zoneConfigured: boolean): Verdict {
  const tsig = tsigVerdict(answer, ctx);
  if (tsig) return tsig;
  const code = rcodeName(answer.rcode);
  const zone = ctx.subject;
  switch (answer.rcode) {
    case RCODE.NOERROR:
      return answer.signed ? { kind: 'ok' } : { kind: 'fail', providerCode: code, error: new DdnsError('EBADRESPONSE', 'an unsigned success answer', { retryable: true }) };
    case RCODE.SERVFAIL:
      return { kind: 'retry', error: error('EPROVIDER', `the DNS server failed to apply the update of zone ${zone}`, code, true) };
    case RCODE.NOTAUTH:
      return trusted({ kind: 'block', providerCode: code, error: error('EAUTH', `the DNS server is not authoritative for zone ${zone}, or does not let this key update it: check the server and the zone`, code), scope: 'zone' }, answer);
    case RCODE.REFUSED: {
      const text = `the DNS server refused the update of zone ${zone}: most likely its update policy (BIND update-policy / allow-update, Knot acl, PowerDNS TSIG-ALLOW-DNSUPDATE) does not grant key "${ctx.keyName}" these names`;
      return trusted({ kind: 'block', providerCode: code, error: error('EFORBIDDEN', text, code), scope: 'zone' }, answer);
    }
    case RCODE.NOTZONE: {
      const text = zoneConfigured
        ? `a host name is not inside zone ${zone}: check the zone of the rfc2136-server`
        : `a host name is not inside zone ${zone} where its SOA placed it; the zone is looked up again on the next input`;
      const verdict: Verdict = zoneConfigured
        ? { kind: 'block', providerCode: code, error: error('ECONFIG', text, code), scope: 'zone' }
        : { kind: 'fail', providerCode: code, error: error('ECONFIG', text, code) };
      return trusted(verdict, answer);
    }
    case RCODE.NOTIMP:
      return { kind: 'fail', providerCode: code, error: error('EPROVIDER', 'the DNS server does not take dynamic updates', code) };
    case RCODE.FORMERR:
      return { kind: 'fail', providerCode: code, error: error('EPROVIDER', 'the DNS server could not read the update', code) };
    default:
      return { kind: 'fail', providerCode: code, error: error('EPROVIDER', `the DNS server did not apply the update of zone ${zone}`, code) };
  }
}

/**
 * The verdict on the answer to a query about `ctx.subject`: `ok` means its
 * records can be read (NOERROR, or NXDOMAIN for a name that does not exist
 * yet); `fail` means the query told nothing (the caller decides what to do
 * without it).
 */
export function queryVerdict(answer: DnsAnswer, ctx: Context): Verdict {
  const tsig = tsigVerdict(answer, ctx);
  if (tsig) return tsig;
  const code = rcodeName(answer.rcode);
  switch (answer.rcode) {
    case RCODE.NOERROR:
    case RCODE.NXDOMAIN:
      return answer.signed ? { kind: 'ok' } : { kind: 'fail', providerCode: code, error: new DdnsError('EBADRESPONSE', 'an unsigned answer', { retryable: true }) };
    case RCODE.SERVFAIL:
      return { kind: 'retry', error: error('EPROVIDER', `the DNS server failed to answer for ${ctx.subject}`, code, true) };
    case RCODE.NOTAUTH:
      return trusted({ kind: 'block', providerCode: code, error: error('EAUTH', `the DNS server does not accept key "${ctx.keyName}" for ${ctx.subject}`, code), scope: 'zone' }, answer);
    default:
      return { kind: 'fail', providerCode: code, error: error('EPROVIDER', `the DNS server would not answer for ${ctx.subject}`, code) };
  }
}

/** The error a name carries while it is skipped because of an earlier block. */
export function blockedError(name: string, providerCode: string, since: number): DdnsError {
  return new DdnsError(
    'EBLOCKED',
    `${name}: not sent; blocked since ${new Date(since).toISOString()} by "${providerCode}" until the key or the configuration changes`,
    { providerCode, key: 'record.blocked-key', params: { answer: providerCode, time: new Date(since).toISOString() }, at: name },
  );
}
