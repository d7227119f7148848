/**
 * IONOS DNS (developer.hosting.ionos.com/docs/dns; the calls are in
 * client.ts) as the `ionos-account` / `ionos-ddns` pair on the shared record
 * workflow. The zone is found by its exact name in GET /zones once and its id
 * kept in the ledger's memo; each record is read by exact name and type, then
 * changed by id with PUT (its own TTL and priority sent back when the node
 * sets no TTL, since the record-update body carries them) or created with
 * POST (TTL 3600, the spec's "recommended 3600", unless the node sets one).
 *
 * The API key is one string, the public prefix and the secret IONOS shows
 * for a key (developer.hosting.ionos.com/docs/getstarted) joined by a dot, as
 * go-acme/lego's IONOS_API_KEY `<prefix>.<secret>` and ddns-updater's ionos
 * provider send it, in `X-API-Key`; any other shape is refused at deploy.
 *
 * A disabled record ("not visible for lookup", spec) is switched on again
 * with the address: a name that does not resolve is what a DDNS updater is
 * there to end. Several records of the name and type (round robin) are
 * ECONFLICT: which one to replace is the user's choice, not ours.
 *
 * TTL 60 to 86400: "minimum 60 seconds and maximum 86.400 seconds" (IONOS
 * Cloud DNS how-to, Create a DNS record); the hosting API's spec names no range.
 */
import { domainToASCII } from 'node:url';
import { DdnsError, toDdnsError } from '../../core/errors';
import { zoneRecordUpdater } from '../zone-updater';
import { defineProvider } from '../descriptor';
import { type CurrentRecord, type RecordContext, type RecordTarget } from '../record-provider';
import { createIonosClient, sameName, type IonosClient, type IonosRecord } from './client';

export const IONOS_ENDPOINT = 'https://api.hosting.ionos.com/dns/v1';
export const TTL_RANGE = { min: 60, max: 86_400 } as const;
/** the spec's "Time to live for the record, recommended 3600" */
export const CREATE_TTL = 3600;

/** The public prefix (32 hex digits on the key page) and the secret (URL-safe base64); some slack in both. */
const API_KEY = /^[A-Za-z0-9]{8,128}\.[A-Za-z0-9_-]{8,256}$/;

export function checkApiKey(apiKey: string): string {
  if (!API_KEY.test(apiKey)) {
    throw new DdnsError('ECONFIG', 'the API key is not an IONOS API key: an IONOS API key is the public prefix and the secret joined by a dot (prefix.secret), as the key page shows them');
  }
  return apiKey;
}

const memoKey = (zone: string) => `zone:${zone}`;

/** The zone name as ASCII, for comparing with the zone the node names (IONOS may spell an IDN in Unicode). */
function asciiZone(name: string): string {
  const bare = name.toLowerCase().replace(/\.$/, '');
  return domainToASCII(bare) || bare;
}

async function zoneIdOf(client: IonosClient, zone: string, ctx: RecordContext): Promise<string> {
  const known = ctx.memo[memoKey(zone)];
  if (known) return known;
  const zones = await ctx.exchange((signal) => client.zones(signal));
  const found = zones.find((z) => sameName(asciiZone(z.name), zone));
  if (!found) throw new DdnsError('ENOTFOUND', `IONOS has no zone ${zone} in this account (${zones.length} zone${zones.length === 1 ? '' : 's'} listed)`);
  ctx.memo[memoKey(zone)] = found.id;
  return found.id;
}

/** The records of the target; a remembered zone id IONOS no longer knows (the zone removed and added again) is looked up once more. */
async function readRecords(client: IonosClient, target: RecordTarget, ctx: RecordContext): Promise<{ zoneId: string; records: IonosRecord[] }> {
  const zone = target.zone!;
  const remembered = ctx.memo[memoKey(zone)] !== undefined;
  const zoneId = await zoneIdOf(client, zone, ctx);
  try {
    return { zoneId, records: await ctx.exchange((signal) => client.records(zoneId, target.name, target.type, signal)) };
  } catch (thrown) {
    const err = toDdnsError(thrown);
    if (!remembered || err.code !== 'ENOTFOUND') throw err;
    delete ctx.memo[memoKey(zone)];
    const fresh = await zoneIdOf(client, zone, ctx);
    return { zoneId: fresh, records: await ctx.exchange((signal) => client.records(fresh, target.name, target.type, signal)) };
  }
}

function createApi(client: IonosClient) {
  return {
    async read(target: RecordTarget, ctx: RecordContext): Promise<CurrentRecord | undefined> {
      const { records } = await readRecords(client, target, ctx);
      if (records.length > 1) {
        throw new DdnsError('ECONFLICT', `${target.name}: ${records.length} ${target.type} records at this name (ids ${records.map((r) => r.id).join(', ')}); keep one in the IONOS DNS settings`);
      }
      const record = records[0];
      if (!record) return undefined;
      // a disabled record answers no lookup: it holds no address until switched on
      return { values: record.disabled ? [] : [record.content], id: record.id, data: record };
    },

    async write(target: RecordTarget, current: CurrentRecord | undefined, ctx: RecordContext): Promise<{ id?: string }> {
      const zoneId = await zoneIdOf(client, target.zone!, ctx);
      const kept = current?.data as IonosRecord | undefined;
      if (current?.id && kept) {
        const body = { content: target.value, ttl: ctx.ttl ?? kept.ttl ?? CREATE_TTL, prio: kept.prio ?? 0, disabled: false as const };
        await ctx.exchange((signal) => client.update(zoneId, current.id!, body, signal));
        return { id: current.id };
      }
      const record = { name: target.name, type: target.type, content: target.value, ttl: ctx.ttl ?? CREATE_TTL, prio: 0 as const, disabled: false as const };
      const id = await ctx.exchange((signal) => client.create(zoneId, record, signal));
      return id ? { id } : {};
    },
  };
}

export const descriptor = defineProvider<IonosClient>({
  kind: 'ionos',
  title: 'IONOS DNS',
  color: '#8FB3E0',
  summary: {
    'en-US': "Keeps A and AAAA records of a domain at IONOS on the current address, through the IONOS DNS API with an API key (<code>prefix.secret</code>).",
    'zh-CN': '通过 IONOS DNS API 和 API 密钥（<code>前缀.密钥</code>），使 IONOS 域名的 A 和 AAAA 记录指向当前地址。',
  },
  account: {
    endpoint: IONOS_ENDPOINT,
    maxConcurrent: 2,
    credentials: [
      {
        name: 'apiKey',
        kind: 'password',
        placeholder: 'prefix.secret',
        label: { 'en-US': 'API key', 'zh-CN': 'API 密钥' },
        help: {
          'en-US': 'the public prefix and the secret of a key from developer.hosting.ionos.com (Manage API keys), joined by a dot: <code>prefix.secret</code>',
          'zh-CN': '在 developer.hosting.ionos.com（管理 API 密钥）创建的密钥的公共前缀和密钥，用点连接：<code>前缀.密钥</code>',
        },
      },
    ],
    client({ endpoint, credentials, http }) {
      return createIonosClient(endpoint, checkApiKey(credentials.apiKey ?? ''), http);
    },
  },
  updater: {
    zone: true,
    ttl: TTL_RANGE,
    provider({ client, settings, fixed, dryRun }) {
      return zoneRecordUpdater(
        'ionos',
        { settings, fixed, dryRun },
        createApi(client),
        TTL_RANGE,
      );
    },
  },
});
