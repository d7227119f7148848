/**
 * Zone and record names as Cloudflare stores them. Record names are full names
 * (`home.example.com`), always in ASCII: "Domain names are always represented
 * in Punycode, even if Unicode characters were used when creating the record"
 * (Cloudflare API, Create DNS Record, notes), and lower case: Cloudflare folds
 * the case of names, which is why timothymiller/cloudflare-ddns compares them
 * case-insensitively (src/cloudflare.rs, list_records_by_name). Zone names
 * come back in Unicode from the zones listing (ddclient's nic_cloudflare_update
 * turns an xn-- zone into Unicode before comparing), so zones are compared in
 * one form, never by suffix or keyword.
 */
import { checkName, shownName } from '../../core/names';
import { domainToASCII } from 'node:url';
import { DdnsError } from '../../core/errors';

/** more names than this in one input is a configuration mistake: each costs a request or two */
export const MAX_HOSTNAMES = 100;

/** One name in the form Cloudflare stores: ASCII (punycode), lower case, no root dot; '' when IDNA refuses it. */
export function asciiName(name: string): string {
  const text = name.trim().replace(/\.$/, '').toLowerCase();
  return /^[\x00-\x7f]*$/.test(text) ? text : domainToASCII(text);
}

/** The zone as typed (`example.com`, `例子.中国`): checked, in ASCII. */
export function normaliseZone(zone: unknown): string {
  if (typeof zone !== 'string' || zone.trim() === '') throw new DdnsError('ECONFIG', 'no zone configured', { key: 'config.no-zone-configured' });
  const checked = checkName(zone, { international: true, minLabels: 2 });
  if (!checked) throw new DdnsError('ECONFIG', `"${shownName(zone)}" is not a zone name such as example.com`);
  return checked.ascii;
}

/** Two zone names are one zone: equal in ASCII form, case aside. */
export function sameZone(a: string, b: string): boolean {
  const left = asciiName(a);
  return left !== '' && left === asciiName(b);
}

/**
 * A full record name of `zone`: the zone itself or a name under it; `*.` only
 * as the leftmost label. Without a zone (it comes with each message) only the
 * name's own shape is checked.
 */
export function normaliseHostname(raw: string, zone?: string): string {
  // letters, digits, hyphens and underscores (`_dmarc`-style names exist in zones), `*.` only leftmost
  const checked = checkName(raw, { international: true, underscore: true, wildcard: true, minLabels: 2 });
  if (!checked) throw new DdnsError('ECONFIG', `"${shownName(raw)}" is not a full host name such as home.${zone ?? 'example.com'}`);
  const ascii = checked.ascii;
  if (zone !== undefined && ascii !== zone && !ascii.endsWith(`.${zone}`)) {
    throw new DdnsError('ECONFIG', `${ascii} is not in the zone ${zone}: give full names such as home.${zone}`);
  }
  return ascii;
}

/** `home.example.com, example.com` or a list -> distinct names in the order given. */
export function parseHostnames(hostnames: unknown, zone?: string): string[] {
  const parts = Array.isArray(hostnames) ? hostnames.map(String) : typeof hostnames === 'string' ? hostnames.split(/[\s,]+/) : [];
  const out: string[] = [];
  for (const part of parts) {
    if (part.trim() === '') continue;
    const name = normaliseHostname(part, zone);
    if (!out.includes(name)) out.push(name);
  }
  if (out.length === 0) throw new DdnsError('ECONFIG', 'no host names configured', { key: 'config.no-hostnames' });
  if (out.length > MAX_HOSTNAMES) throw new DdnsError('EBADINPUT', `${out.length} host names in one input; at most ${MAX_HOSTNAMES}`);
  return out;
}
