/**
 * Amazon Route 53 (REST API 2013-04-01, https://docs.aws.amazon.com/Route53/latest/APIReference/):
 * the updater keeps one simple record set per name and type on the current
 * address, on the shared record workflow (../record-provider.ts).
 * - The zone is a hosted zone id (`Z…` or `/hostedzone/Z…`) or a zone name,
 *   looked up once with ListHostedZonesByName and remembered in the memo; a
 *   name that several hosted zones carry (a public and private ones) is
 *   refused with their ids, since only the user knows which one is meant.
 * - ListResourceRecordSets reads the record set; ChangeResourceRecordSets with
 *   UPSERT writes it whole. An empty TTL keeps the set's own (300 for a new
 *   one). A round robin set becomes the one value, and the result says so;
 *   an alias or a routing-policy record is refused, never overwritten.
 * - After a change, GetChange is asked (2 s, 3 s, then every 5 s, up to the
 *   `insyncWait` setting) until Route 53 reports INSYNC; the node's status is
 *   "updating" meanwhile. The shared workflow has no "pending" result, so a
 *   change not INSYNC in time is reported updated, its message saying pending.
 */
import { DdnsError } from '../../core/errors';
import { addressTypeSetting } from '../../core/jobs';
import { sleep } from '../../core/retry';
import { checkNamesPerInput, numberSetting } from '../../core/validate';
import type { Provider } from '../contract';
import { defineProvider } from '../descriptor';
import { createRecordProvider, type CurrentRecord, type RecordContext, type RecordTarget } from '../record-provider';
import { parseFullNames, parseZone } from '../targets';
import { createRoute53Client, type Route53Client } from './client';

/** Route 53's TTL range (ResourceRecordSet.TTL: 0 to 2147483647) */
export const TTL_RANGE = { min: 0, max: 2_147_483_647 };
/** the TTL of a new record set when the node sets none */
export const DEFAULT_TTL = 300;
export const DEFAULT_INSYNC_WAIT_S = 60;
/** seconds between GetChange polls: soon at first (changes usually propagate within a minute), then at a steady pace */
export const POLL_SCHEDULE_S = [2, 3, 5];

const ZONE_ID = /^(?:\/hostedzone\/)?(Z[A-Z0-9]{1,32})$/i;

export interface ZoneRef {
  /** the hosted zone id when given as one */
  id?: string;
  /** the zone name when given as one */
  name?: string;
}

/** `Z1D633PJN98FT9`, `/hostedzone/Z1D633PJN98FT9` or `example.com`. */
export function parseZoneRef(text: unknown): ZoneRef {
  if (typeof text === 'string') {
    const m = ZONE_ID.exec(text.trim());
    if (m) return { id: m[1]!.toUpperCase() };
  }
  if (typeof text !== 'string' || text.trim() === '') return { name: parseZone(text) };
  try {
    return { name: parseZone(text) };
  } catch (err) {
    const e = err as DdnsError;
    throw new DdnsError('ECONFIG', `${e.message}, nor a hosted zone id such as Z1D633PJN98FT9`);
  }
}

/** The names to write: inside the zone when it is given by name; full names of at least two labels with an id. */
export function route53Targets(zone: ZoneRef, hostnames: unknown): Array<{ name: string; zone: string }> {
  const key = zone.id ?? zone.name!;
  return parseFullNames(hostnames, zone.name).map((name) => ({ name, zone: key }));
}

function optionalTtl(value: unknown): number | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  return numberSetting('TTL', value, { fallback: DEFAULT_TTL, ...TTL_RANGE });
}

/** The hosted zone id of a target's zone: given, remembered, or looked up once. */
async function zoneIdOf(client: Route53Client, zone: string, ctx: RecordContext): Promise<string> {
  const ref = parseZoneRef(zone);
  if (ref.id) return ref.id;
  const name = ref.name!;
  const remembered = ctx.memo[`zone:${name}`];
  if (remembered) return remembered;
  const zones = await ctx.exchange((signal) => client.zonesByName(name, signal));
  if (zones.length === 0) throw new DdnsError('ENOTFOUND', `Route 53 has no hosted zone ${name} in this account`);
  if (zones.length > 1) {
    const listed = zones.map((z) => `${z.id} (${z.private ? 'private' : 'public'})`).join(', ');
    throw new DdnsError('ECONFLICT', `several hosted zones are named ${name}: ${listed}; set the zone to the id of the one to update`);
  }
  ctx.memo[`zone:${name}`] = zones[0]!.id;
  return zones[0]!.id;
}

/** Forgets a remembered zone id Route 53 no longer knows, so the next run looks the name up again. */
async function withZone<T>(client: Route53Client, target: RecordTarget, ctx: RecordContext, task: (zoneId: string) => Promise<T>): Promise<T> {
  const zoneId = await zoneIdOf(client, target.zone!, ctx);
  try {
    return await task(zoneId);
  } catch (err) {
    if (err instanceof DdnsError && err.providerCode === 'NoSuchHostedZone') {
      const name = parseZoneRef(target.zone).name;
      if (name) delete ctx.memo[`zone:${name}`];
      throw new DdnsError('ENOTFOUND', `Route 53 has no hosted zone ${zoneId}${name ? ` (${name})` : ''} in this account`, { providerCode: 'NoSuchHostedZone', ...(err.requestId ? { requestId: err.requestId } : {}), ...(err.statusCode ? { statusCode: err.statusCode } : {}) });
    }
    throw err;
  }
}

interface SetData {
  ttl?: number;
}

export interface Route53ProviderOptions {
  client: Route53Client;
  settings: Readonly<Record<string, unknown>>;
  fixed: Readonly<{ zone?: string; hostnames?: string }>;
  dryRun: boolean;
  /** the pause before each GetChange; the run's signal ends it early */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function createRoute53Provider(options: Route53ProviderOptions): Provider<unknown> {
  const { client, settings, fixed, dryRun } = options;
  const pause = options.sleep ?? sleep;
  const ttl = optionalTtl(settings.ttl);
  const insyncWaitS = numberSetting('the wait for INSYNC', settings.insyncWait, { fallback: DEFAULT_INSYNC_WAIT_S, min: 0, max: 600 });
  const zone = fixed.zone !== undefined ? parseZoneRef(fixed.zone) : undefined;
  const names = zone && fixed.hostnames !== undefined ? route53Targets(zone, fixed.hostnames) : undefined;
  /** what a write adds to its record's result message, by `name/type`; one run at a time per node */
  const notes = new Map<string, string[]>();
  const note = (target: RecordTarget, text: string) => notes.set(`${target.name}/${target.type}`, [...(notes.get(`${target.name}/${target.type}`) ?? []), text]);

  async function read(target: RecordTarget, ctx: RecordContext): Promise<CurrentRecord | undefined> {
    const set = await withZone(client, target, ctx, (zoneId) => ctx.exchange((signal) => client.recordSet(zoneId, target.name, target.type, signal)));
    if (!set) return undefined;
    if (set.alias !== undefined) {
      throw new DdnsError('ECONFLICT', `${target.name} ${target.type} is an alias record (to ${set.alias}); an alias is never overwritten with an address: delete it in Route 53 or pick another name`, { providerCode: 'AliasTarget' });
    }
    if (set.setIdentifier !== undefined) {
      throw new DdnsError('ECONFLICT', `${target.name} ${target.type} has a routing policy (set identifier "${set.setIdentifier}"); only simple records are written: pick another name`, { providerCode: 'SetIdentifier' });
    }
    return { values: set.values, data: { ...(set.ttl !== undefined ? { ttl: set.ttl } : {}) } satisfies SetData };
  }

  async function write(target: RecordTarget, current: CurrentRecord | undefined, ctx: RecordContext): Promise<void> {
    const kept = (current?.data as SetData | undefined)?.ttl;
    const setTtl = ctx.ttl ?? kept ?? DEFAULT_TTL;
    let runSignal: AbortSignal | undefined;
    const change = await withZone(client, target, ctx, (zoneId) =>
      ctx.exchange((signal) => {
        // the run's own signal (the same for every exchange of a run): it also ends the pauses between polls
        runSignal = signal;
        return client.upsert(zoneId, { name: target.name, type: target.type, ttl: setTtl, value: target.value }, signal);
      }),
    );
    if (current && current.values.length > 1) note(target, `the round robin of ${current.values.length} values is now this one value (an UPSERT replaces the whole record set)`);
    const started = ctx.now();
    let status = change.status;
    let failure = '';
    for (let i = 0; status !== 'INSYNC'; i++) {
      const waited = ctx.now() - started;
      const left = insyncWaitS * 1000 - waited;
      if (left <= 0) break;
      ctx.pending();
      await pause(Math.min(left, POLL_SCHEDULE_S[Math.min(i, POLL_SCHEDULE_S.length - 1)]! * 1000), runSignal!);
      try {
        status = (await ctx.exchange((signal) => client.change(change.id, signal))).status;
      } catch (err) {
        if (err instanceof DdnsError && err.code !== 'EABORTED') {
          // the change was accepted; only watching it failed
          failure = `: GetChange failed: ${err.message}`;
          break;
        }
        throw err;
      }
    }
    const seconds = Math.round((ctx.now() - started) / 1000);
    note(target, status === 'INSYNC' ? `INSYNC after ${seconds} s` : `pending: Route 53 has not yet reported INSYNC (change ${change.id})${failure}`);
  }

  const base = createRecordProvider({
    kind: 'route53',
    api: { read, write },
    recordType: addressTypeSetting(settings.recordType),
    configured: names ?? [],
    targets(input) {
      if (names) return names;
      const z = zone ?? parseZoneRef(input.names?.zone);
      const text = fixed.hostnames ?? input.names?.hostnames;
      const list = route53Targets(z, text);
      if (fixed.hostnames === undefined) checkNamesPerInput(list.length, 'host names');
      return list;
    },
    ...(ttl !== undefined ? { ttl } : {}),
    dryRun,
  });
  return {
    ...base,
    async sync(input, state, run) {
      notes.clear();
      const outcome = await base.sync(input, state as never, run);
      const results = outcome.results.map((r) => {
        const added = notes.get(`${r.name}/${r.type}`);
        return added && (r.status === 'updated' || r.status === 'created') ? { ...r, message: `${r.message}; ${added.join('; ')}` } : r;
      });
      notes.clear();
      return { ...outcome, results };
    },
  } as Provider<unknown>;
}

export const descriptor = defineProvider<Route53Client>({
  kind: 'route53',
  title: 'Amazon Route 53',
  color: '#F7A35C',
  summary: {
    'en-US': 'Keeps A and AAAA record sets of a Route 53 hosted zone on the current address, through the Route 53 API signed with an IAM access key (SigV4), and waits until Route 53 reports the change INSYNC; only then are its name servers asked whether they serve it (Served by).',
    'zh-CN': '通过以 IAM 访问密钥签名（SigV4）的 Route 53 API，使 Route 53 托管区域中的 A 和 AAAA 记录集指向当前地址，并等待 Route 53 报告变更已同步（INSYNC）；之后才询问其名称服务器是否已提供该值（由名称服务器提供）。',
  },
  account: {
    endpoint: 'https://route53.amazonaws.com',
    // Route 53 allows five API requests per second per account
    maxConcurrent: 2,
    credentials: [
      {
        name: 'accessKeyId',
        kind: 'text',
        label: { 'en-US': 'Access key ID', 'zh-CN': '访问密钥 ID' },
        help: {
          'en-US': 'the access key id of an IAM user whose policy allows route53:ListHostedZonesByName, ListResourceRecordSets, ChangeResourceRecordSets and GetChange (<code>AKIA…</code>)',
          'zh-CN': 'IAM 用户的访问密钥 ID（<code>AKIA…</code>），其策略需允许 route53:ListHostedZonesByName、ListResourceRecordSets、ChangeResourceRecordSets 和 GetChange',
        },
      },
      {
        name: 'secretAccessKey',
        kind: 'password',
        label: { 'en-US': 'Secret access key', 'zh-CN': '秘密访问密钥' },
        help: { 'en-US': 'the secret shown once when the access key was created', 'zh-CN': '创建访问密钥时仅显示一次的秘密' },
      },
    ],
    client({ endpoint, credentials, http }) {
      const accessKeyId = credentials.accessKeyId ?? '';
      const secretAccessKey = credentials.secretAccessKey ?? '';
      if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) throw new DdnsError('ECONFIG', 'the access key id is not an AWS access key id (capital letters and digits, such as AKIAIOSFODNN7EXAMPLE)');
      if (!/^[\x21-\x7e]{16,128}$/.test(secretAccessKey)) throw new DdnsError('ECONFIG', 'the secret access key is not an AWS secret access key (16 to 128 characters, no spaces)');
      return createRoute53Client({ endpoint, key: { accessKeyId, secretAccessKey }, http });
    },
  },
  updater: {
    zone: true,
    // the dialog takes the hosted zone id as the runtime does (parseZoneRef)
    zoneIdPattern: ZONE_ID.source,
    ttl: TTL_RANGE,
    hostnames: {
      placeholder: 'home.example.com',
      help: {
        'en-US': 'full names in the hosted zone, separated by commas; each is one record set per type (<code>*.example.com</code> allowed). Empty: <code>msg.hostnames</code>.',
        'zh-CN': '托管区域内的完整名称，用逗号分隔；每个名称每种类型一个记录集（可用 <code>*.example.com</code>）。留空：取 <code>msg.hostnames</code>。',
      },
    },
    settings: [
      {
        name: 'insyncWait',
        kind: 'number',
        label: { 'en-US': 'Wait for INSYNC', 'zh-CN': '等待同步' },
        help: {
          'en-US': 'seconds to wait, after a change, for Route 53 to report it INSYNC on all its name servers (0 to 600; 0 = do not wait). A change not INSYNC in time is reported as pending in the result message.',
          'zh-CN': '变更后等待 Route 53 报告其在所有名称服务器上已同步（INSYNC）的秒数（0 到 600；0 = 不等待）。未能及时同步的变更在结果消息中报告为待定（pending）。',
        },
        default: DEFAULT_INSYNC_WAIT_S,
        rule: 'number',
        min: 0,
        max: 600,
        more: true,
      },
    ],
    provider({ client, settings, fixed, dryRun }) {
      return createRoute53Provider({ client, settings, fixed, dryRun });
    },
  },
});
