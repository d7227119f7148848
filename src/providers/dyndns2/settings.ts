/**
 * The updater's settings, validated once per run so that a bad value fails
 * early with ECONFIG and before anything is sent (the qdm12/ddns-updater way).
 */
import { numberSetting } from '../../core/validate';
import { DdnsError } from '../../core/errors';
import { basicAuthForms } from '../../core/redact';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../core/retry';
import { parseHostnames } from './input';
import { quirksFor, type PresetQuirks } from './presets';
import { normaliseOptions, normaliseServerUrl, validateContact, validateCredentials, validateDualStack } from './request';
import type { DualStackMode, ProviderParams, UpdateOptions } from './types';

export const DEFAULT_RETRIES = 3;
export const DEFAULT_REFRESH_DAYS = 25;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** 20 result lines are a few hundred bytes; anything near this is not a DynDNS2 server. */
export const DEFAULT_MAX_BYTES = 16 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Dyndns2Settings {
  /** update URL or bare host; `/nic/update` is added when it has no path */
  server: string;
  username: string;
  password: string;
  /** default `combined` */
  dualStack?: DualStackMode | string;
  /**
   * the account's provider preset (`dyndns2-account.preset`, e.g. `selfhost`): its
   * quirks apply (presets.ts); empty = those of the preset with the server's host, if any
   */
  preset?: string;
  /** an e-mail address appended to the User-Agent (No-IP asks for one); empty = none */
  contact?: string;
  /**
   * the account has no A record (INWX: converted to IPv6-only by its support):
   * IPv6 updates go out without IPv4 where the provider would otherwise refuse them
   */
  ipv6Only?: boolean;
  /** comma separated, or a list; undefined = given with each input */
  hostnames?: string | readonly string[];
  options?: UpdateOptions;
  /** retries after the first attempt of a request; -1 = unlimited; default 3 */
  retries?: number | string;
  /** backoff between retries; tests make it tiny */
  backoff?: BackoffPolicy;
  /** days without a write after which the address is sent once anyway; 0 = never; default 25 */
  refreshDays?: number | string;
  /** work out what would be sent, send nothing */
  dryRun?: boolean;
  /** clock, injectable for tests */
  now?: () => number;
  /** deadline per HTTP request, body included; default 30 s */
  timeoutMs?: number;
  maxBytes?: number;
}

/** The account's part of the settings, as `dyndns2-account` holds it for the update nodes. */
export type Dyndns2AccountSettings = Pick<Dyndns2Settings, 'server' | 'dualStack' | 'preset' | 'contact' | 'ipv6Only'>;

export interface ResolvedSettings {
  /** Update now: write what memory says is in sync (one request), as the user asked */
  force?: boolean;
  base: URL;
  username: string;
  password: string;
  /** every form the login travels in, masked in any server text carried on */
  secrets: string[];
  mode: DualStackMode;
  quirks: PresetQuirks;
  contact?: string;
  ipv6Only: boolean;
  /** undefined: given with each input */
  hostnames?: string[];
  params: ProviderParams;
  retries: number;
  backoff: BackoffPolicy;
  /** 0 = never */
  refreshMs: number;
  dryRun: boolean;
  now: () => number;
  timeoutMs: number;
  maxBytes: number;
}

export function resolveSettings(settings: Dyndns2Settings): ResolvedSettings {
  if (!settings || typeof settings !== 'object') throw new DdnsError('ECONFIG', 'no DynDNS2 settings given');
  const { username, password } = validateCredentials(settings.username, settings.password);
  // -1 = unlimited
  const retries = numberSetting('retries', settings.retries, { fallback: DEFAULT_RETRIES, min: -1, max: 1000 });
  // 0 = never
  const refreshDays = numberSetting('refresh', settings.refreshDays, { fallback: DEFAULT_REFRESH_DAYS, min: 0, max: 3650, whole: false });
  const timeoutMs = numberSetting('timeoutMs', settings.timeoutMs, { fallback: DEFAULT_TIMEOUT_MS, min: 1, max: 600_000 });
  const maxBytes = numberSetting('maxBytes', settings.maxBytes, { fallback: DEFAULT_MAX_BYTES, min: 1, max: 64 * 1024 * 1024 });
  if (settings.preset !== undefined && settings.preset !== null && typeof settings.preset !== 'string') {
    throw new DdnsError('ECONFIG', 'preset must be a preset id');
  }
  const base = normaliseServerUrl(settings.server);
  const contact = validateContact(settings.contact);
  return {
    base,
    username,
    password,
    secrets: basicAuthForms(username, password),
    mode: validateDualStack(settings.dualStack),
    quirks: quirksFor(settings.preset ?? undefined, base),
    ...(contact ? { contact } : {}),
    ipv6Only: settings.ipv6Only === true,
    ...(settings.hostnames === undefined ? {} : { hostnames: parseHostnames(settings.hostnames) }),
    params: normaliseOptions(settings.options),
    retries,
    backoff: settings.backoff ?? DEFAULT_BACKOFF,
    refreshMs: refreshDays * DAY_MS,
    dryRun: settings.dryRun === true,
    // read when needed, not captured: a clock put right applies at once
    now: typeof settings.now === 'function' ? settings.now : () => Date.now(),
    timeoutMs,
    maxBytes,
  };
}
