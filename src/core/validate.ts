/**
 * The one rule set for settings every provider and source reads: numbers and
 * URLs. A mistake is an ECONFIG naming the setting, so the node shows it at deploy.
 */
import { DdnsError } from './errors';

/**
 * Names (host names, RRs) one input may carry in msg.hostnames, msg.rr, ...:
 * each costs the provider requests, and 3,000 names from a message meant
 * 3,001 API calls. Names fixed in the node's configuration are not capped here.
 */
export const MAX_NAMES_PER_INPUT = 100;

/** EBADINPUT when a message names more records than one input may. */
export function checkNamesPerInput(count: number, what: string): void {
  if (count > MAX_NAMES_PER_INPUT) {
    throw new DdnsError('EBADINPUT', `${count} ${what} in one input; at most ${MAX_NAMES_PER_INPUT} (set them in the node to update more)`);
  }
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A number setting (a number, or text as the editor stores it) within [min, max]; `fallback` when unset. */
export function numberSetting(name: string, value: unknown, options: { fallback: number; min: number; max: number; whole?: boolean }): number {
  if (isUnset(value)) return options.fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  const whole = options.whole !== false;
  if (!Number.isFinite(n) || (whole && !Number.isInteger(n)) || n < options.min || n > options.max) {
    const kind = whole ? 'a whole number' : 'a number';
    const given = JSON.stringify(value).slice(0, 40);
    const params = { name, min: options.min, max: options.max, given };
    throw new DdnsError('ECONFIG', `${name} must be ${kind} from ${options.min} to ${options.max}, not ${given}`, { key: whole ? 'config.whole-number-range' : 'config.number-range', params });
  }
  return n;
}

export interface UrlOptions {
  /** added when the URL has no path (`/nic/update`) */
  defaultPath?: string;
  /** a query the server needs (OVH's `system=dyndns`) may stay */
  allowQuery?: boolean;
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const URL_CONTROL = /[\x00-\x20\x7f]/;
/** The URL rules as data, for the editor's checks generated at build (scripts/generate-provider-nodes.js). */
export const URL_RULE_SOURCES = { scheme: URL_SCHEME.source, control: URL_CONTROL.source } as const;

/**
 * An http:// or https:// URL a user typed for a server. The scheme is required:
 * `127.0.0.1:18950` silently becoming https and failing with a TLS error helped
 * nobody. No credentials in it (they belong in the credential store), no
 * whitespace or control characters (WHATWG parsing would drop them silently).
 */
export function parseServerUrl(name: string, text: unknown, options: UrlOptions = {}): URL {
  if (typeof text !== 'string' || text.trim() === '') throw new DdnsError('ECONFIG', `no ${name} configured`, { key: 'config.missing', params: { name } });
  const trimmed = text.trim();
  if (trimmed.length > 2048 || URL_CONTROL.test(trimmed)) throw new DdnsError('ECONFIG', `${name} contains spaces or control characters`, { key: 'config.url-spaces', params: { name } });
  if (!URL_SCHEME.test(trimmed)) {
    const given = trimmed.slice(0, 60);
    throw new DdnsError('ECONFIG', `${name} needs its scheme: write https://${given} (or http:// for a server on your LAN)`, { key: 'config.url-scheme', params: { name, given } });
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new DdnsError('ECONFIG', `${name} is not a valid URL`, { key: 'config.url-invalid', params: { name } });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DdnsError('ECONFIG', `${name} must be http:// or https://, not ${url.protocol}`, { key: 'config.url-protocol', params: { name, given: url.protocol } });
  if (url.username || url.password) throw new DdnsError('ECONFIG', `${name} must not contain a user name or password; use the account's credentials`, { key: 'config.url-userinfo', params: { name } });
  if (!options.allowQuery && (url.search || url.hash)) throw new DdnsError('ECONFIG', `${name} must not contain a query or fragment`, { key: 'config.url-query', params: { name } });
  url.hash = '';
  if (options.defaultPath && (url.pathname === '' || url.pathname === '/')) url.pathname = options.defaultPath;
  return url;
}
