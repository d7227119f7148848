/**
 * The one rule set for DNS names every provider and source checks: labels of
 * letters, digits and inner hyphens, 1 to 63 characters, 253 in all, a trailing
 * root dot dropped, case folded. Callers choose what their service allows on top:
 * underscores (`_acme-challenge`, `_dmarc` names exist in zones; host names in
 * the strict sense of RFC 1123 have none), a leftmost `*` label, internationalised
 * names (checked in their ASCII form), a least number of labels. Each caller keeps
 * its own error message; the rules are the same everywhere.
 */
import { domainToASCII } from 'node:url';

export interface NameRules {
  /** `_` in a label (SRV, TXT owners); default false */
  underscore?: boolean;
  /** `*` as the leftmost label; default false */
  wildcard?: boolean;
  /** a name in Unicode is checked (and returned, in `ascii`) in its punycode form; default false */
  international?: boolean;
  /** at least this many labels (2 for a zone such as example.com); default 1 */
  minLabels?: number;
}

export interface CheckedName {
  /** lower case, no root dot, as written (Unicode stays Unicode) */
  name: string;
  /** the same in ASCII (punycode for an internationalised name) */
  ascii: string;
}

export const MAX_NAME_LENGTH = 253;
const LABEL_STRICT = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const LABEL_UNDERSCORE = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** The rules as data, for the editor's checks generated at build (scripts/generate-provider-nodes.js). */
export const NAME_RULE_SOURCES = { maxLength: MAX_NAME_LENGTH, labelStrict: LABEL_STRICT.source, labelUnderscore: LABEL_UNDERSCORE.source } as const;

/** The name checked under `rules`, or undefined when it breaks them. */
export function checkName(raw: unknown, rules: NameRules = {}): CheckedName | undefined {
  if (typeof raw !== 'string') return undefined;
  const name = raw.trim().replace(/\.$/, '').toLowerCase();
  if (name === '' || name.length > 4 * MAX_NAME_LENGTH) return undefined;
  const ascii = /^[\x00-\x7f]*$/.test(name) ? name : rules.international ? domainToASCII(name) : '';
  if (ascii === '' || ascii.length > MAX_NAME_LENGTH) return undefined;
  const labels = ascii.split('.');
  if (labels.length < (rules.minLabels ?? 1)) return undefined;
  const label = rules.underscore ? LABEL_UNDERSCORE : LABEL_STRICT;
  const valid = labels.every((part, i) => (rules.wildcard && i === 0 && part === '*') || label.test(part));
  return valid ? { name, ascii } : undefined;
}

/** What a user may be shown of a name that was refused: short and printable (the input may be hostile). */
export function shownName(raw: unknown): string {
  return String(raw).trim().slice(0, 80).replace(/[^\x20-\x7e]/g, '?');
}
