/**
 * What each updater's stored state says about its records, for the DDNS
 * sidebar (record-board.ts), and the one change the sidebar may make to a
 * stored state: clearing a DynDNS2 host's block once the user fixed the cause.
 * Stored state is read through the providers' own normalisers: whatever a
 * context store hands back is never trusted as is.
 */
import { fqdn, normaliseAliyunState, normaliseDomain, parseRrs } from '../../providers/aliyun';
import { DEFAULT_REFRESH_DAYS, normaliseState, parseHostnames, type Dyndns2State } from '../../providers/dyndns2';
import type { StoredRecord } from './record-board';

const DAY_MS = 24 * 60 * 60 * 1000;

/** `refresh` as the node configured it, in ms; 0 = no keep-alive. */
export function refreshMs(refresh: unknown): number {
  if (refresh === undefined || refresh === null || refresh === '') return DEFAULT_REFRESH_DAYS * DAY_MS;
  const days = Number(refresh);
  return Number.isFinite(days) && days > 0 ? days * DAY_MS : 0;
}

/**
 * One host-wide entry per host (its block, wait and keep-alive hold for every
 * family) and one A/AAAA entry per address the server confirmed. Configured
 * hosts not seen yet come first, as pending.
 */
export function describeDyndns2(stored: unknown, hostnames: string | undefined, refresh: unknown): StoredRecord[] {
  const state = normaliseState(stored);
  let configured: string[] = [];
  try {
    configured = parseHostnames(hostnames);
  } catch {
    // the node reports its configuration error itself
  }
  const every = refreshMs(refresh);
  const out: StoredRecord[] = [];
  for (const name of new Set([...configured, ...Object.keys(state.hosts)])) {
    const host = state.hosts[name] ?? {};
    const common: StoredRecord = { name };
    if (host.lastWriteAt !== undefined) {
      common.lastWriteAt = host.lastWriteAt;
      common.checkedAt = host.lastWriteAt;
      if (every > 0) common.nextKeepAliveAt = host.lastWriteAt + every;
    }
    if (host.blockedCode) {
      common.blockedCode = host.blockedCode;
      common.blockedAt = host.blockedAt ?? 0;
    }
    if (host.waitUntil !== undefined) {
      common.waitUntil = host.waitUntil;
      if (host.waitCode) common.waitCode = host.waitCode;
    }
    out.push(common);
    if (host.ipv4) out.push({ ...common, type: 'A', value: host.ipv4 });
    if (host.ipv6) out.push({ ...common, type: 'AAAA', value: host.ipv6 });
  }
  return out;
}

/** Is `name` blocked in this stored DynDNS2 state? */
export function isDyndns2Blocked(stored: unknown, name: string): boolean {
  return Boolean(normaliseState(stored).hosts[name]?.blockedCode);
}

/** The state with `name`'s block lifted (addresses, keep-alive and any provider-asked wait kept). */
export function unblockDyndns2Host(stored: unknown, name: string): Dyndns2State {
  const state = normaliseState(stored);
  const host = state.hosts[name];
  if (host) {
    delete host.blockedCode;
    delete host.blockedAt;
  }
  return state;
}

export interface AliyunConfigured {
  domain?: string;
  rr?: string;
  recordType?: string;
}

/**
 * One entry per record slot the state remembers, and the configured records
 * (when domain and rr are set in the node, not taken from msg) as pending.
 * With type `auto` a configured record has no type until the first value.
 */
export function describeAliyun(stored: unknown, configured: AliyunConfigured): StoredRecord[] {
  const out: StoredRecord[] = [];
  try {
    if (configured.domain && configured.rr) {
      const domain = normaliseDomain(configured.domain);
      const type = (configured.recordType || 'auto').toUpperCase();
      for (const rr of parseRrs(configured.rr, domain)) {
        out.push(type === 'AUTO' ? { name: fqdn(rr, domain) } : { name: fqdn(rr, domain), type });
      }
    }
  } catch {
    // the node reports its configuration error itself
  }
  const state = normaliseAliyunState(stored);
  for (const [key, record] of Object.entries(state.records)) {
    const [domain, rr, type] = key.split('/');
    if (!domain || !rr || !type) continue;
    const entry: StoredRecord = { name: fqdn(rr, domain), type, value: record.value };
    if (record.verifiedAt > 0) entry.checkedAt = record.verifiedAt;
    if (record.lastWriteAt !== undefined) entry.lastWriteAt = record.lastWriteAt;
    out.push(entry);
  }
  return out;
}
