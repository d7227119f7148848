/**
 * Reading a DynDNS2 answer, one line at a time: a return code, the addresses a
 * success echoes, a wait a server asks for, or a line nobody has given a
 * meaning. What each obliges the client to do is policy.ts's business.
 */
import { parseAddress } from '../../core/address';
import { serverPauseMs } from '../../core/run';

/**
 * Every return word Dyn's page or a peer client gives a meaning
 * (https://help.dyn.com/remote-access-api/return-codes/, ddclient's
 * nic_dyndns2_update / nic_inwx_update / nic_dynu_update / nic_noip_update,
 * inadyn's plugins/common.c, qdm12/ddns-updater's internal/provider/providers).
 * Words some peer treats as success but no DynDNS2 page does (inadyn's `OK`,
 * ddns-updater's `success`) are deliberately absent: they are unknown answers.
 */
export const RETURN_CODES = [
  'good',
  'nochg',
  'badauth',
  '!donator',
  'notfqdn',
  'nofqdn',
  'nohost',
  'numhost',
  'abuse',
  'badagent',
  'badsys',
  'badysys',
  '!yours',
  '!active',
  'badrequest',
  'fatal',
  'dnserr',
  '911',
  'servererror',
] as const;
export type ReturnCode = (typeof RETURN_CODES)[number];
export type SuccessCode = 'good' | 'nochg';

export type AnswerLine =
  /** a known word; `addresses` are what a success echoed, canonical */
  | { kind: 'code'; code: ReturnCode; addresses: string[]; rest: string; line: string }
  /** `w<N><s|m|h>`: wait that long before the next update (ddclient's nic_noip_update) */
  | { kind: 'wait'; word: string; waitMs: number; /** what the server asked for, when longer than the week it is held to */ askedMs?: number; line: string }
  /** no known meaning, or a success followed by something that is not an address */
  | { kind: 'unknown'; word: string; line: string };

const MAX_LINE = 200;
const UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

export function isSuccessCode(code: ReturnCode): code is SuccessCode {
  return code === 'good' || code === 'nochg';
}

/** Looks like markup: a captive portal or a proxy's error page, never a DynDNS2 answer. */
export function looksLikeHtml(body: string): boolean {
  return /<\s*[a-z!?\/]/i.test(body);
}

/** One line, e.g. `good 192.0.2.1`, `nochg 192.0.2.1,2001:db8::1`, `nohost`, `w5m`. */
export function parseLine(text: string): AnswerLine {
  const line = text.trim();
  const match = line.length <= MAX_LINE ? /^(\S+)(?:\s+(.*))?$/.exec(line) : null;
  if (!match) return { kind: 'unknown', word: '', line };
  const word = match[1];
  const lower = word.toLowerCase();
  const rest = (match[2] ?? '').trim();
  const code = (RETURN_CODES as readonly string[]).find((c) => c === lower) as ReturnCode | undefined;
  if (!code) {
    const wait = /^w(\d{1,6})([smh])$/.exec(lower);
    if (wait) {
      const asked = Number(wait[1]) * UNITS_MS[wait[2]];
      const waitMs = serverPauseMs(asked);
      return { kind: 'wait', word: lower, waitMs, ...(asked > waitMs ? { askedMs: asked } : {}), line };
    }
    return { kind: 'unknown', word, line };
  }
  // some servers add a short explanation after an error code (`911 maintenance until 10:00`); the code counts
  if (!isSuccessCode(code)) return { kind: 'code', code, addresses: [], rest, line };
  const addresses: string[] = [];
  for (const token of rest.split(/[\s,]+/)) {
    if (token === '') continue;
    const parsed = parseAddress(token);
    // `good <garbage>` is not a success anyone can believe
    if (!parsed) return { kind: 'unknown', word, line };
    addresses.push(parsed.address);
  }
  return { kind: 'code', code, addresses, rest, line };
}

/** Non-empty lines with surrounding blanks and `\r` removed. */
export function splitLines(body: string): string[] {
  return body
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
