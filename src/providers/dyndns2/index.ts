/**
 * DynDNS2 protocol logic for the `dyndns2-account` / `dyndns2-update` nodes.
 * No Node-RED import: the node glue passes settings, an undici dispatcher and
 * an AbortSignal, and stores the returned state in node context.
 */
export { updateHosts, type UpdateHostsInput, type UpdateHostsOutcome } from './updater';
export { resolveSettings, DEFAULT_REFRESH_DAYS, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS, type Dyndns2Settings, type Dyndns2AccountSettings } from './settings';
export { hostOf, readDyndns2State, type HostState } from './host-state';
export { parseHostnames, parsePayloadAddresses } from './input';
export { normaliseServerUrl, userAgent, validateContact, MAX_HOSTS_PER_REQUEST } from './request';
export { RETURN_CODES, type ReturnCode } from './response';
export { WAIT_AFTER_SERVER_TROUBLE_MS, UNKNOWN_ANSWER_BACKOFF } from './policy';
export { DYNDNS2_PRESETS, findPreset, quirksFor, type Dyndns2Preset, type PresetQuirks } from './presets';
export type { Addresses, DualStackMode, Family, UpdateOptions } from './types';
export { createDyndns2Provider, describeHosts, type Dyndns2ProviderOptions } from './provider';
