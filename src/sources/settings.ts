/**
 * The `ip-source` configuration as stored in a flow (strings, mostly) turned into
 * checked, typed lookup settings. Every mistake is an ECONFIG naming the property.
 */
import { numberSetting } from '../core/validate';
import { DdnsError } from '../core/errors';
import { compilePattern } from './address-pattern';
import type { FamilyOption, ScopeOption } from '../core/address';
import { parseOrigins } from './origin';
import { parsePrefixLength, parseSuffix } from './suffix';
import type { LookupSettings } from './lookup';

export interface IpSourceConfig {
  origin?: string;
  family?: string;
  agree?: number | string;
  bind?: string;
  pattern?: string;
  group?: number | string;
  scope?: string;
  interval?: number | string;
  watch?: boolean | string;
  emit?: string;
  timeout?: number | string;
  suffix?: string;
  prefixLength?: number | string;
}

export interface IpSourceSettings {
  lookup: LookupSettings;
  family: FamilyOption;
  intervalMs: number;
  watch: boolean;
  emit: 'change' | 'always';
}

const FAMILIES: FamilyOption[] = ['ipv4', 'ipv6', 'any', 'dual'];
const MAX_INTERVAL_S = 7 * 24 * 3600;


function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (!allowed.includes(value as T)) throw new DdnsError('ECONFIG', `${name} must be one of ${allowed.join(', ')}, not "${String(value)}"`);
  return value as T;
}

export function parseIpSourceConfig(config: IpSourceConfig): IpSourceSettings {
  const family = oneOf('family', config.family, FAMILIES, 'ipv4');
  const scope = oneOf<ScopeOption>('scope', config.scope, ['public', 'any'], 'public');
  const intervalS = numberSetting('interval', config.interval, { fallback: 0, min: 0, max: MAX_INTERVAL_S, whole: false });
  if (intervalS > 0 && intervalS < 10) throw new DdnsError('ECONFIG', 'interval must be 0 (only on input) or at least 10 seconds');
  const timeoutS = numberSetting('timeout', config.timeout, { fallback: 10, min: 0.1, max: 300, whole: false });
  const agree = Math.trunc(numberSetting('agree', config.agree, { fallback: 1, min: 1, max: 10, whole: false }));
  const bind = String(config.bind ?? '').trim();
  if (bind && !/^[A-Za-z0-9_.:@%-]{1,64}$/.test(bind)) throw new DdnsError('ECONFIG', `bind "${bind}" is neither an address nor an interface name`);
  const suffixText = String(config.suffix ?? '').trim();
  if (suffixText && family === 'ipv4') throw new DdnsError('ECONFIG', 'suffix applies to IPv6: set family to ipv6, any or dual');
  const suffix = suffixText ? { text: suffixText, value: parseSuffix(suffixText), prefixLength: parsePrefixLength(config.prefixLength) } : undefined;
  return {
    family,
    intervalMs: intervalS * 1000,
    watch: config.watch === true || config.watch === 'true',
    emit: oneOf('emit', config.emit, ['change', 'always'] as const, 'change'),
    lookup: {
      origins: parseOrigins(config.origin),
      family,
      pattern: compilePattern(config.pattern, config.group),
      scope,
      timeoutMs: timeoutS * 1000,
      agree,
      bind: bind || undefined,
      suffix,
    },
  };
}
