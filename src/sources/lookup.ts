/**
 * From origins to one trustworthy address: ask each origin in turn (or all at
 * once when several must agree), pick candidates with the pattern, and keep only
 * addresses of the wanted family and scope.
 */
import type { Dispatcher } from 'undici';
import { startDeadline, type Deadline } from '../core/deadline';
import { DdnsError, placed, toDdnsError } from '../core/errors';
import { matchesFamily, notPublicBecause, parseAddress, type FamilyOption, type IpFamily, type ScopeOption } from '../core/address';
import { WHOLE_STRING, type AddressPattern } from './address-pattern';
import { matchCandidates } from './pattern-runner';
import type { Origin } from './origin';
import type { LookupContext, SourceAnswer } from './types';
import { lookupInterface, bindAddressOf } from './interface';
import { applySuffix, prefixOf } from './suffix';

export interface LookupSettings {
  origins: Origin[];
  family: FamilyOption;
  pattern: AddressPattern;
  scope: ScopeOption;
  timeoutMs: number;
  /** how many origins must report the same address (1 = first answer wins) */
  agree: number;
  /** bind: local address or interface name lookups leave from */
  bind?: string;
  maxBytes?: number;
  /** another LAN host's interface identifier, put behind the detected IPv6 prefix */
  suffix?: { text: string; value: bigint; prefixLength: number };
}

export interface FoundAddress {
  address: string;
  family: IpFamily;
  /** every usable candidate the winning origin(s) gave, best first */
  addresses: string[];
  origin: string;
  /** with a suffix: the detected prefix, the suffix and the address it was detected from */
  prefix?: string;
  suffix?: string;
  detected?: string;
}

/**
 * HTTP agents for the lookups: one per address family, because a service that
 * reports the caller's address must be reached over the family asked for.
 */
export type Dispatchers = Partial<Record<'ipv4' | 'ipv6' | 'any', Dispatcher>>;

function dispatcherFor(dispatcher: Dispatcher | Dispatchers | undefined, family: Exclude<FamilyOption, 'dual'>): Dispatcher | undefined {
  if (!dispatcher) return undefined;
  if (typeof (dispatcher as Dispatcher).dispatch === 'function') return dispatcher as Dispatcher;
  return (dispatcher as Dispatchers)[family];
}

export interface DualAddress {
  ipv4?: FoundAddress;
  ipv6?: FoundAddress;
  /** why a family is missing */
  errors: { ipv4?: DdnsError; ipv6?: DdnsError };
}

/**
 * The modules behind each kind of origin, loaded when an origin of that kind
 * is first asked: a node that reads an interface never loads undici (about
 * 20 MB of RSS with its first request), the DNS client or UPnP.
 */
interface SourceModules {
  http: typeof import('./http');
  dns: typeof import('./dns');
  sock: typeof import('./socket');
  neigh: typeof import('./neighbour');
  upnp: typeof import('./upnp');
}
const loaded: Partial<SourceModules> = {};
/* eslint-disable @typescript-eslint/no-require-imports */
const loaders: { [K in keyof SourceModules]: () => SourceModules[K] } = {
  http: () => require('./http') as SourceModules['http'],
  dns: () => require('./dns') as SourceModules['dns'],
  sock: () => require('./socket') as SourceModules['sock'],
  neigh: () => require('./neighbour') as SourceModules['neigh'],
  upnp: () => require('./upnp') as SourceModules['upnp'],
};
/* eslint-enable @typescript-eslint/no-require-imports */
function source<K extends keyof SourceModules>(kind: K): SourceModules[K] {
  return (loaded[kind] ??= loaders[kind]()) as SourceModules[K];
}

function askOrigin(origin: Origin, ctx: LookupContext): Promise<SourceAnswer> {
  switch (origin.kind) {
    case 'iface':
      return lookupInterface(origin.name, ctx);
    case 'http':
      return source('http').lookupHttp(origin.url, ctx);
    case 'dns':
      return source('dns').lookupDns(origin.query, ctx);
    case 'sock':
      return source('sock').lookupSocket(origin.target, ctx);
    case 'neigh':
      return source('neigh').lookupNeighbour(origin.target, ctx);
    case 'upnp':
      return source('upnp').lookupUpnp(origin.gateway, ctx);
  }
}

async function localAddressFor(bind: string | undefined, family: FamilyOption): Promise<string | undefined> {
  if (!bind) return undefined;
  // family any: an address bind decides the family; an interface name leaves from its IPv4 address
  const literal = parseAddress(bind);
  if (family === 'any' && literal) return bind;
  return bindAddressOf(bind, family === 'ipv6' ? 6 : 4);
}

/**
 * Asks one origin and returns its usable addresses, or throws why there are
 * none. `timeoutMs` bounds all of it: the question, the answer and the
 * matching of the pattern against it.
 */
export async function addressesFromOrigin(
  origin: Origin,
  settings: LookupSettings,
  family: Exclude<FamilyOption, 'dual'>,
  signal: AbortSignal,
  dispatcher?: Dispatcher | Dispatchers,
): Promise<FoundAddress> {
  const deadline = startDeadline(settings.timeoutMs, signal);
  try {
    return await lookupWithin(origin, settings, family, signal, deadline, dispatcher);
  } finally {
    deadline.clear();
  }
}

async function lookupWithin(
  origin: Origin,
  settings: LookupSettings,
  family: Exclude<FamilyOption, 'dual'>,
  signal: AbortSignal,
  deadline: Deadline,
  dispatcher: Dispatcher | Dispatchers | undefined,
): Promise<FoundAddress> {
  const endsAt = Date.now() + settings.timeoutMs;
  const bounded = deadline.signal;
  const prefixed = (e: DdnsError) =>
    e.message.startsWith(origin.text) ? e : placed(e, origin.text);
  let answer: SourceAnswer;
  try {
    const ctx: LookupContext = {
      signal: bounded,
      timeoutMs: settings.timeoutMs,
      family,
      // no bind (the usual case): no await, so no extra turn of the microtask queue per lookup
      localAddress: settings.bind ? await localAddressFor(settings.bind, family) : undefined,
      dispatcher: dispatcherFor(dispatcher, family),
      maxBytes: settings.maxBytes,
    };
    answer = await askOrigin(origin, ctx);
  } catch (err) {
    const e = toDdnsError(err, origin.text);
    if ((e.code === 'EABORTED' || e.code === 'ETIMEDOUT') && deadline.expired() && !signal.aborted) {
      const seconds = settings.timeoutMs / 1000;
      throw new DdnsError('ETIMEDOUT', `${origin.text}: no answer within ${seconds} s`, { retryable: true, key: 'source.no-answer', params: { seconds }, at: origin.text });
    }
    throw prefixed(e);
  }
  if (answer.markup && !settings.pattern.regex) {
    throw new DdnsError('EBADRESPONSE', `${origin.text}: answered with an HTML page; set a pattern to pick the address out of it`, { key: 'source.html', at: origin.text });
  }
  let candidates: string[];
  try {
    const matched = matchCandidates(answer.texts, answer.kind, settings.pattern, { signal: bounded, endsAt, timeoutMs: settings.timeoutMs });
    // the built-in scanner answers at once: no await, no turn of the microtask queue
    candidates = Array.isArray(matched) ? matched : await matched;
  } catch (err) {
    const e = toDdnsError(err, origin.text);
    if (!signal.aborted && (e.code === 'ETIMEDOUT' || (e.code === 'EABORTED' && deadline.expired()))) {
      const size = answer.texts.reduce((sum, t) => sum + t.length, 0);
      throw new DdnsError('ETIMEDOUT', `${origin.text}: matching the pattern against an answer of ${size} characters did not finish within the ${settings.timeoutMs / 1000} s timeout`, { retryable: true });
    }
    throw prefixed(e);
  }
  const usable: string[] = [];
  const rejected: string[] = [];
  // a server naming itself (trace's h=1.1.1.1) is not our address, unless the user's pattern asks for it
  const serverOwn = settings.pattern.regex || settings.pattern.group === WHOLE_STRING ? undefined : answer.serverAddresses;
  let ownSeen: string | undefined;
  let sawFamily = false;
  let first: IpFamily | undefined;
  for (const candidate of candidates) {
    const parsed = parseAddress(candidate);
    if (!parsed || !matchesFamily(parsed.family, family)) continue;
    if (serverOwn?.includes(parsed.address)) {
      ownSeen ??= parsed.address;
      continue;
    }
    sawFamily = true;
    const notPublic = settings.scope === 'public' ? notPublicBecause(parsed) : undefined;
    if (notPublic) {
      rejected.push(`${parsed.address} (${notPublic})`);
      continue;
    }
    if (!usable.includes(parsed.address)) usable.push(parsed.address);
    first ??= parsed.family;
  }
  if (usable.length === 0) {
    if (sawFamily && rejected.length > 0) {
      const addresses = rejected.slice(0, 3).join(', ');
      const detail = answer.notPublicHint ?? `only non-public addresses: ${addresses}`;
      throw new DdnsError('ENOTPUBLIC', `${origin.text}: ${detail}`, answer.notPublicHint ? {} : { key: 'source.not-public', params: { addresses }, at: origin.text });
    }
    const wanted = family === 'any' ? 'IP address' : family === 'ipv4' ? 'IPv4 address' : 'IPv6 address';
    if (ownSeen) {
      throw new DdnsError(
        'ENOADDR',
        `${origin.text}: the only ${wanted} in the answer is the server's own (${ownSeen}), not this network's; set a pattern if the service really answers with it`,
      );
    }
    throw new DdnsError('ENOADDR', `${origin.text}: answer holds no ${wanted}${settings.pattern.regex ? ' matching the pattern' : ''}`, {
      key: settings.pattern.regex ? 'source.no-match' : 'source.no-address',
      params: { family: family === 'any' ? 'IP' : family === 'ipv4' ? 'IPv4' : 'IPv6' },
      at: origin.text,
    });
  }
  return { address: usable[0], family: first!, addresses: usable, origin: origin.text };
}

/** The LAN host's address: the detected IPv6 prefix with the configured suffix behind it. */
export function withSuffix(found: FoundAddress, settings: LookupSettings): FoundAddress {
  if (!settings.suffix || found.family !== 6) return found;
  const { value, text, prefixLength } = settings.suffix;
  const address = applySuffix(found.address, value, prefixLength);
  // a short prefix and an unlucky suffix can land outside the public range the prefix was in
  const notPublic = settings.scope === 'public' ? notPublicBecause(parseAddress(address)!) : undefined;
  if (notPublic) {
    throw new DdnsError('ENOTPUBLIC', `${found.origin}: ${address} (prefix /${prefixLength} of ${found.address} + suffix ${text}) is ${notPublic}`);
  }
  return {
    ...found,
    address,
    addresses: [...new Set(found.addresses.map((a) => applySuffix(a, value, prefixLength)))],
    prefix: prefixOf(found.address, prefixLength),
    suffix: text,
    detected: found.address,
  };
}

function combineFailures(failures: DdnsError[]): DdnsError {
  if (failures.length === 1) return failures[0];
  const codes = new Set(failures.map((f) => f.code));
  const code = codes.size === 1 ? failures[0].code : 'ENOADDR';
  return new DdnsError(code, `no origin yielded an address: ${failures.map((f) => f.message).join('; ')}`, {
    retryable: failures.some((f) => f.retryable),
  });
}

/** One family (or any): origins in order, first usable answer wins; or `agree` of them in parallel. */
export async function findAddress(
  settings: LookupSettings,
  family: Exclude<FamilyOption, 'dual'>,
  signal: AbortSignal,
  dispatcher?: Dispatcher | Dispatchers,
): Promise<FoundAddress> {
  if (settings.agree > 1) return withSuffix(await findAgreedAddress(settings, family, signal, dispatcher), settings);
  const failures: DdnsError[] = [];
  for (const origin of settings.origins) {
    if (signal.aborted) throw new DdnsError('EABORTED', 'aborted');
    try {
      return withSuffix(await addressesFromOrigin(origin, settings, family, signal, dispatcher), settings);
    } catch (err) {
      const e = toDdnsError(err);
      if (e.code === 'EABORTED' || e.code === 'ECONFIG') throw e;
      failures.push(e);
    }
  }
  throw combineFailures(failures);
}

async function findAgreedAddress(
  settings: LookupSettings,
  family: Exclude<FamilyOption, 'dual'>,
  signal: AbortSignal,
  dispatcher?: Dispatcher | Dispatchers,
): Promise<FoundAddress> {
  if (settings.origins.length < settings.agree) {
    throw new DdnsError('ECONFIG', `agree is ${settings.agree} but only ${settings.origins.length} origin(s) are configured`);
  }
  const answers = await Promise.allSettled(
    settings.origins.map((origin) => addressesFromOrigin(origin, settings, family, signal, dispatcher)),
  );
  if (signal.aborted) throw new DdnsError('EABORTED', 'aborted');
  const votes = new Map<string, FoundAddress[]>();
  const failures: DdnsError[] = [];
  for (const answer of answers) {
    if (answer.status === 'rejected') {
      failures.push(toDdnsError(answer.reason));
      continue;
    }
    const list = votes.get(answer.value.address) ?? [];
    list.push(answer.value);
    votes.set(answer.value.address, list);
  }
  const ranked = [...votes.entries()].sort((a, b) => b[1].length - a[1].length);
  const best = ranked[0];
  if (best && best[1].length >= settings.agree) {
    return {
      address: best[0],
      family: best[1][0].family,
      addresses: ranked.map(([address]) => address),
      origin: best[1].map((f) => f.origin).join(', '),
    };
  }
  const reports = ranked.map(([address, found]) => `${found.map((f) => f.origin).join(', ')} said ${address}`);
  const failed = failures.map((f) => f.message);
  throw new DdnsError(
    'EDISAGREE',
    `fewer than ${settings.agree} origins agree: ${[...reports, ...failed].join('; ') || 'no answers'}`,
    { retryable: true },
  );
}

/** `family: dual`: an IPv4 and an IPv6 lookup side by side; either may be missing. */
export async function findDualAddress(settings: LookupSettings, signal: AbortSignal, dispatcher?: Dispatcher | Dispatchers): Promise<DualAddress> {
  const [v4, v6] = await Promise.allSettled([
    findAddress(settings, 'ipv4', signal, dispatcher),
    findAddress(settings, 'ipv6', signal, dispatcher),
  ]);
  if (signal.aborted) throw new DdnsError('EABORTED', 'aborted');
  const result: DualAddress = { errors: {} };
  if (v4.status === 'fulfilled') result.ipv4 = v4.value;
  else result.errors.ipv4 = toDdnsError(v4.reason);
  if (v6.status === 'fulfilled') result.ipv6 = v6.value;
  else result.errors.ipv6 = toDdnsError(v6.reason);
  if (!result.ipv4 && !result.ipv6) {
    throw new DdnsError(result.errors.ipv4!.code === result.errors.ipv6!.code ? result.errors.ipv4!.code : 'ENOADDR',
      `no IPv4 (${result.errors.ipv4!.message}) and no IPv6 (${result.errors.ipv6!.message})`, { retryable: true });
  }
  return result;
}
