/**
 * The names a descriptor-built updater writes: a zone (for zone-based APIs)
 * and full host names inside it, fixed in the node (checked at deploy) or
 * taken from each input (checked then, and capped), on the one rule set for
 * DNS names (src/core/names.ts): a leftmost `*`, `_` labels and
 * internationalised names (in punycode) are allowed, a trailing dot dropped.
 */
import { DdnsError } from '../core/errors';
import { checkName, shownName } from '../core/names';
import { checkNamesPerInput, numberSetting } from '../core/validate';
import type { SyncInput } from './contract';

export interface NameTarget {
  name: string;
  zone?: string;
}

export interface UpdaterNames {
  /** the names fixed in the node, for the sidebar before the first run */
  configured: NameTarget[];
  /** the names of one input */
  targets(input: SyncInput): NameTarget[];
}

export function parseZone(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') throw new DdnsError('ECONFIG', 'no zone: set it in the node or send msg.zone', { key: 'config.no-zone' });
  const checked = checkName(text, { international: true, minLabels: 2 });
  if (!checked) throw new DdnsError('ECONFIG', `"${shownName(text)}" is not a zone such as example.com`, { key: 'config.bad-zone', params: { given: shownName(text) } });
  return checked.ascii;
}

/** Full names, separated by commas or spaces; each inside `zone` when one is given. */
export function parseFullNames(text: unknown, zone?: string): string[] {
  if (typeof text !== 'string' || text.trim() === '') throw new DdnsError('ECONFIG', 'no host names: set them in the node or send msg.hostnames', { key: 'config.no-hostnames-input' });
  const out: string[] = [];
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const checked = checkName(part, { wildcard: true, underscore: true, international: true, minLabels: zone ? 1 : 2 });
    if (!checked) throw new DdnsError('ECONFIG', `"${shownName(part)}" is not a host name such as home.example.com`, { key: 'config.bad-hostname', params: { given: shownName(part) } });
    if (zone && checked.ascii !== zone && !checked.ascii.endsWith(`.${zone}`)) {
      throw new DdnsError('ECONFIG', `${checked.ascii} is not in the zone ${zone}`, { key: 'config.outside-zone', params: { name: checked.ascii, zone } });
    }
    if (!out.includes(checked.ascii)) out.push(checked.ascii);
  }
  return out;
}

/**
 * The updater's names from its fixed settings: what is fixed is checked now,
 * the rest with each input (`msg.zone`, `msg.hostnames` or a TypedInput).
 */
export function updaterNames(hasZone: boolean, fixed: { zone?: string; hostnames?: string }): UpdaterNames {
  const zone = hasZone && fixed.zone !== undefined ? parseZone(fixed.zone) : undefined;
  const names = fixed.hostnames !== undefined && (!hasZone || zone) ? parseFullNames(fixed.hostnames, zone) : undefined;
  const withZone = (list: string[], z: string | undefined): NameTarget[] => list.map((name) => (z ? { name, zone: z } : { name }));
  return {
    configured: names ? withZone(names, zone) : [],
    targets(input) {
      const z = hasZone ? (zone ?? parseZone(input.names?.zone)) : undefined;
      if (names && (!hasZone || zone)) return withZone(names, z);
      const text = fixed.hostnames ?? input.names?.hostnames;
      const list = parseFullNames(text, z);
      if (fixed.hostnames === undefined) checkNamesPerInput(list.length, 'host names');
      return withZone(list, z);
    },
  };
}

/** The updater's TTL: undefined when empty (the provider's default, or a record's own), else within range (ECONFIG otherwise). */
export function optionalTtl(value: unknown, range: { min: number; max: number }): number | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  return numberSetting('ttl', value, { fallback: range.min, min: range.min, max: range.max });
}
