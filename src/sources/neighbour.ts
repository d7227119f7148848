/**
 * `neigh://MAC` origins: the addresses the kernel's neighbour table (ARP for
 * IPv4, NDP for IPv6) holds for another host on the LAN, found by its MAC.
 * This is how to follow a host whose IPv6 interface identifier is random or
 * rotates (RFC 4941 privacy / RFC 7217 stable-privacy addresses), where
 * `suffix` cannot predict the address: whatever address it last talked from is
 * in the table.
 *
 * Linux only: the table is read with iproute2's `ip -j neigh show` (JSON), or
 * `ip neigh show` text where `-j` is not supported, run with execFile (never a
 * shell). Entries that failed or are still being resolved are left out;
 * confirmed (REACHABLE) ones come first.
 */
import { execFile } from 'node:child_process';
import { DdnsError, abortReason } from '../core/errors';
import { parseAddress } from '../core/address';
import { normaliseMac, parseHostMac } from './suffix';
import type { LookupContext, SourceAnswer } from './types';

export interface NeighbourOrigin {
  /** lower-case `aa:bb:cc:dd:ee:ff` */
  mac: string;
}

/** One line of the neighbour table. */
export interface NeighbourEntry {
  /** the neighbour's address as `ip` printed it */
  dst: string;
  dev?: string;
  /** lower-case colon form when it is a 48-bit MAC, else as printed; absent while unresolved */
  lladdr?: string;
  /** NUD states, upper case: REACHABLE, STALE, DELAY, PROBE, PERMANENT, NOARP, FAILED, INCOMPLETE, NONE */
  states: string[];
}

// ---------------------------------------------------------------- origin parsing

const NEIGH_ORIGIN = /^neigh:\/\/([^/?#]*)\/?$/i;

/**
 * `neigh://00:11:22:33:44:55` (or `-` / `.` / bare notation) from the origin
 * line as written. Parsed from the raw text: WHATWG `new URL` refuses colons
 * in the host part of a URL, which is exactly where a MAC goes.
 */
export function parseNeighbourOriginText(text: string): NeighbourOrigin {
  const trimmed = String(text).trim();
  const match = NEIGH_ORIGIN.exec(trimmed);
  if (!match) {
    if (/^neigh:/i.test(trimmed)) {
      throw new DdnsError('ECONFIG', `neigh:// origin "${trimmed}" takes only a MAC address (neigh://00:11:22:33:44:55)`);
    }
    throw new DdnsError('ECONFIG', `"${trimmed}" is not a neigh:// origin`);
  }
  const host = match[1];
  if (host === '') throw new DdnsError('ECONFIG', `neigh:// origin "${trimmed}" needs a MAC address, as in neigh://00:11:22:33:44:55`);
  const bytes = parseHostMac(host, `neigh:// origin "${trimmed}": MAC`);
  return { mac: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':') };
}

/** The same for a URL object (the notations `new URL` accepts: `neigh://001122334455`, `neigh://0011.2233.4455`, dashes). */
export function parseNeighbourOrigin(url: URL | string): NeighbourOrigin {
  return parseNeighbourOriginText(typeof url === 'string' ? url : url.href);
}

// ---------------------------------------------------------------- table parsing

/** Lower is better. REACHABLE was confirmed within the last ~30 s; PERMANENT was set by hand. */
const STATE_RANK: Record<string, number> = {
  REACHABLE: 0,
  PERMANENT: 1,
  NOARP: 1,
  DELAY: 2, // was STALE, used just now, confirmation expected within seconds
  STALE: 3, // not confirmed lately, but nothing speaks against it
  PROBE: 4, // confirmation is overdue and being asked for: may be about to fail
};
/** Never an answer: resolution failed, is still going on, or the entry is empty. */
const UNUSABLE_STATES = new Set(['FAILED', 'INCOMPLETE', 'NONE']);
const KNOWN_STATES = new Set([...Object.keys(STATE_RANK), ...UNUSABLE_STATES]);

function cleanLladdr(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return normaliseMac(value) ?? value.toLowerCase();
}

/** Every entry of `ip -j neigh show` output. */
export function neighbourEntriesFromJson(json: string | unknown): NeighbourEntry[] {
  let data: unknown = json;
  if (typeof json === 'string') {
    const trimmed = json.trim();
    if (trimmed === '') return [];
    try {
      data = JSON.parse(trimmed);
    } catch (err) {
      throw new DdnsError('EBADRESPONSE', `"ip -j neigh show" printed something that is not JSON: ${(err as Error).message}`);
    }
  }
  if (!Array.isArray(data)) throw new DdnsError('EBADRESPONSE', '"ip -j neigh show" did not print a JSON array');
  const entries: NeighbourEntry[] = [];
  for (const item of data) {
    if (!item || typeof item !== 'object') continue;
    const raw = item as { dst?: unknown; dev?: unknown; lladdr?: unknown; state?: unknown };
    if (typeof raw.dst !== 'string') continue;
    const states = (Array.isArray(raw.state) ? raw.state : typeof raw.state === 'string' ? [raw.state] : [])
      .filter((s): s is string => typeof s === 'string')
      .map((s) => s.toUpperCase());
    const entry: NeighbourEntry = { dst: raw.dst, states };
    if (typeof raw.dev === 'string') entry.dev = raw.dev;
    const lladdr = cleanLladdr(raw.lladdr);
    if (lladdr !== undefined) entry.lladdr = lladdr;
    entries.push(entry);
  }
  return entries;
}

/**
 * Every entry of `ip neigh show` text: `DST [dev DEV] [lladdr LL] [router] [proxy] ... STATE...`
 * (`2001:db8::5 dev eth0 lladdr 02:aa:bb:cc:dd:01 router STALE`).
 */
export function neighbourEntriesFromText(text: string): NeighbourEntry[] {
  const entries: NeighbourEntry[] = [];
  for (const line of String(text).split('\n')) {
    const tokens = line.trim().split(/\s+/).filter((t) => t !== '');
    if (tokens.length === 0) continue;
    const entry: NeighbourEntry = { dst: tokens[0], states: [] };
    for (let i = 1; i < tokens.length; i++) {
      const token = tokens[i];
      if ((token === 'dev' || token === 'lladdr') && i + 1 < tokens.length) {
        const value = tokens[++i];
        if (token === 'dev') entry.dev = value;
        else {
          const lladdr = cleanLladdr(value);
          if (lladdr !== undefined) entry.lladdr = lladdr;
        }
      } else if (KNOWN_STATES.has(token)) {
        entry.states.push(token);
      }
      // other words (router, proxy, extern_learn, offload, managed, ...) say nothing about the address
    }
    entries.push(entry);
  }
  return entries;
}

function stateRank(states: string[]): number | undefined {
  if (states.some((s) => UNUSABLE_STATES.has(s))) return undefined;
  let best: number | undefined;
  for (const s of states) {
    const rank = STATE_RANK[s];
    if (rank !== undefined && (best === undefined || rank < best)) best = rank;
  }
  // an entry with a link-layer address but a state this code does not know yet: last, but usable
  return best ?? 5;
}

/**
 * The addresses held for `mac` (any notation), best first: REACHABLE, then
 * PERMANENT/NOARP, DELAY, STALE, PROBE; table order within one state. FAILED,
 * INCOMPLETE and empty entries are left out, and so are IPv6 link-local
 * addresses, which are useless without a zone. Addresses are canonical text.
 */
export function selectNeighbourAddresses(entries: NeighbourEntry[], mac: string): string[] {
  const wanted = normaliseMac(mac);
  if (!wanted) throw new DdnsError('ECONFIG', `"${mac}" is not a MAC address`);
  const ranked: Array<{ address: string; rank: number; order: number }> = [];
  entries.forEach((entry, order) => {
    if (entry.lladdr === undefined || normaliseMac(entry.lladdr) !== wanted) return;
    const rank = stateRank(entry.states);
    if (rank === undefined) return;
    const parsed = parseAddress(entry.dst);
    if (!parsed) return;
    if (parsed.family === 6 && parsed.range === 'linkLocal') return;
    if (parsed.range === 'multicast' || parsed.range === 'unspecified') return;
    ranked.push({ address: parsed.address, rank, order });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const out: string[] = [];
  for (const r of ranked) if (!out.includes(r.address)) out.push(r.address);
  return out;
}

/** `ip -j neigh show` output -> the addresses held for `mac`, best first. */
export function parseNeighbourJson(json: string | unknown, mac: string): string[] {
  return selectNeighbourAddresses(neighbourEntriesFromJson(json), mac);
}

/** `ip neigh show` output -> the addresses held for `mac`, best first. */
export function parseNeighbourText(text: string, mac: string): string[] {
  return selectNeighbourAddresses(neighbourEntriesFromText(text), mac);
}

// ---------------------------------------------------------------- reading the table

/**
 * Where `ip` may be: PATH first, then the usual places, because Node-RED run
 * as a service often has a PATH without /sbin and /usr/sbin.
 */
export const IP_COMMANDS = ['ip', '/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

/** Largest output read; a router's table with thousands of neighbours is well below. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

interface RunResult {
  stdout: string;
  stderr: string;
  /** exit status when the command ran but failed */
  exitCode?: number;
  /** the command does not exist */
  missing?: boolean;
}

function run(command: string, args: string[], ctx: LookupContext): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) {
      reject(abortReason(ctx.signal));
      return;
    }
    execFile(
      command,
      args,
      {
        signal: ctx.signal,
        timeout: ctx.timeoutMs > 0 ? ctx.timeoutMs : undefined,
        maxBuffer: MAX_OUTPUT_BYTES,
        windowsHide: true,
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C' },
      },
      (err, stdout, stderr) => {
        if (!err) {
          resolve({ stdout, stderr });
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number; signal?: string };
        if (e.name === 'AbortError' || ctx.signal.aborted) {
          reject(abortReason(ctx.signal));
          return;
        }
        if (e.code === 'ENOENT' || e.code === 'EACCES') {
          resolve({ stdout: '', stderr: '', missing: true });
          return;
        }
        if (e.killed) {
          reject(new DdnsError('ETIMEDOUT', `"${command} ${args.join(' ')}" gave no answer within ${ctx.timeoutMs / 1000} s`, { retryable: true }));
          return;
        }
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(new DdnsError('ETOOLARGE', `"${command} ${args.join(' ')}" printed more than ${MAX_OUTPUT_BYTES} bytes`));
          return;
        }
        resolve({ stdout, stderr, exitCode: typeof e.code === 'number' ? e.code : -1 });
      },
    );
  });
}

function familyArgs(family: LookupContext['family']): string[] {
  if (family === 'ipv4') return ['-4'];
  if (family === 'ipv6') return ['-6'];
  return [];
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

export interface NeighbourOptions {
  /** the `ip` command to run; default: the first of IP_COMMANDS that exists */
  ipCommand?: string;
}

/**
 * The whole neighbour table. JSON when this iproute2 supports `-j` for `neigh`;
 * otherwise (an old iproute2 that refuses `-j`, or ignores it and prints text)
 * the text form.
 */
export async function readNeighbourTable(ctx: LookupContext, options: NeighbourOptions = {}): Promise<NeighbourEntry[]> {
  if (process.platform !== 'linux') {
    throw new DdnsError(
      'ECONFIG',
      `neigh:// origins read the Linux kernel's neighbour table with iproute2's "ip"; not available on ${process.platform}`,
    );
  }
  const family = familyArgs(ctx.family);
  const commands = options.ipCommand ? [options.ipCommand] : IP_COMMANDS;
  for (const command of commands) {
    const json = await run(command, ['-j', ...family, 'neigh', 'show'], ctx);
    if (json.missing) continue;
    if (json.exitCode === undefined) {
      const out = json.stdout.trim();
      // iproute2 versions with -j but without JSON for `neigh` print the text form
      if (out === '' || out.startsWith('[')) return neighbourEntriesFromJson(out);
      return neighbourEntriesFromText(json.stdout);
    }
    const text = await run(command, [...family, 'neigh', 'show'], ctx);
    if (text.missing) continue;
    if (text.exitCode === undefined) return neighbourEntriesFromText(text.stdout);
    throw new DdnsError(
      'ENOADDR',
      `"${command} neigh show" failed (exit ${text.exitCode}): ${firstLine(text.stderr) || firstLine(json.stderr) || 'no message'}`,
      { retryable: true },
    );
  }
  throw new DdnsError(
    'ECONFIG',
    options.ipCommand
      ? `neigh:// origins need iproute2's "ip" command; "${options.ipCommand}" was not found`
      : `neigh:// origins need iproute2's "ip" command, which was found neither on PATH nor in /usr/sbin, /sbin, /usr/bin, /bin (install iproute2)`,
  );
}

/** `neigh://MAC`: the addresses the neighbour table holds for that MAC, best first. */
export async function lookupNeighbour(origin: NeighbourOrigin, ctx: LookupContext, options: NeighbourOptions = {}): Promise<SourceAnswer> {
  const entries = await readNeighbourTable(ctx, options);
  const addresses = selectNeighbourAddresses(entries, origin.mac);
  if (addresses.length === 0) {
    const held = entries.filter((e) => e.lladdr !== undefined && normaliseMac(e.lladdr) === origin.mac);
    const wanted = ctx.family === 'ipv4' ? 'IPv4 ' : ctx.family === 'ipv6' ? 'IPv6 ' : '';
    const message =
      held.length > 0
        ? `the neighbour table holds no usable ${wanted}address for ${origin.mac}, only ${held
            .slice(0, 3)
            .map((e) => `${e.dst} (${e.states.join('/') || 'no state'})`)
            .join(', ')}`
        : `the neighbour table holds no ${wanted}entry for ${origin.mac} (it only knows hosts this machine exchanged packets with recently)`;
    throw new DdnsError('ENOADDR', message, { retryable: true });
  }
  return { texts: addresses, kind: 'addresses' };
}
