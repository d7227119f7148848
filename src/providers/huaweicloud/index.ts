/**
 * Huawei Cloud DNS (support.huaweicloud.com/api-dns, API v2) on the shared
 * record workflow: the public zone is found by its exact name once and its id
 * kept in the ledger's memo; each record set by exact name and type; an
 * existing one is changed with UpdateRecordSet (its TTL and description kept
 * when the node sets no TTL), a missing one created with CreateRecordSet
 * (TTL 300, the console's default, unless the node sets one). Requests are
 * signed with the account's AK/SK (sign.ts), never through an SDK.
 *
 * A zone id remembered from an earlier run that the service no longer knows
 * (the zone deleted and added again in the console) is looked up once more.
 */
import { DdnsError, toDdnsError } from '../../core/errors';
import { optionalTtl } from '../targets';
import { zoneRecordUpdater } from '../zone-updater';
import { defineProvider } from '../descriptor';
import { type CurrentRecord, type RecordContext, type RecordTarget } from '../record-provider';
import { createHuaweiClient, type HuaweiClient, type Recordset, type RecordsetBody } from './client';

/** the console's default TTL for a new record set */
export const DEFAULT_TTL = 300;
/** UpdateRecordSet/CreateRecordSet: ttl 1 to 2147483647 */
export const TTL_RANGE = { min: 1, max: 2_147_483_647 } as const;

/** The node's TTL: undefined when empty (the record's own, or the default for a new one). */
/** The node's TTL: empty keeps a record set's own (300 for a new one). */
export const parseTtl = (value: unknown): number | undefined => optionalTtl(value, TTL_RANGE);

const memoKey = (zone: string) => `zone:${zone}`;

async function zoneIdOf(client: HuaweiClient, zone: string, ctx: RecordContext): Promise<string> {
  const known = ctx.memo[memoKey(zone)];
  if (known) return known;
  const id = await ctx.exchange((signal) => client.zoneId(zone, signal));
  if (!id) throw new DdnsError('ENOTFOUND', `Huawei Cloud DNS has no public zone ${zone} in this account`);
  ctx.memo[memoKey(zone)] = id;
  return id;
}

/** Runs `task` with the zone's id; a remembered id the service no longer knows is looked up once more. */
async function inZone<T>(client: HuaweiClient, zone: string, ctx: RecordContext, task: (zoneId: string) => Promise<T>): Promise<T> {
  const remembered = ctx.memo[memoKey(zone)] !== undefined;
  const id = await zoneIdOf(client, zone, ctx);
  try {
    return await task(id);
  } catch (thrown) {
    const err = toDdnsError(thrown);
    if (!remembered || err.code !== 'ENOTFOUND') throw err;
    delete ctx.memo[memoKey(zone)];
    return task(await zoneIdOf(client, zone, ctx));
  }
}

function createApi(client: HuaweiClient) {
  return {
    async read(target: RecordTarget, ctx: RecordContext): Promise<CurrentRecord | undefined> {
      const zone = target.zone!;
      const found = await inZone(client, zone, ctx, (zoneId) => ctx.exchange((signal) => client.recordsets(zoneId, target.name, target.type, signal)));
      if (found.length > 1) {
        throw new DdnsError('ECONFLICT', `${target.name}: ${found.length} ${target.type} record sets share this name (${found.map((r) => r.id).join(', ')}); keep one in the console`);
      }
      const set = found[0];
      if (!set) return undefined;
      return { values: set.records, id: set.id, data: set };
    },

    async write(target: RecordTarget, current: CurrentRecord | undefined, ctx: RecordContext): Promise<{ id?: string }> {
      const zone = target.zone!;
      const zoneId = await zoneIdOf(client, zone, ctx);
      const kept = current?.data as Recordset | undefined;
      const body: RecordsetBody = {
        name: `${target.name}.`,
        type: target.type,
        records: [target.value],
        ttl: ctx.ttl ?? kept?.ttl ?? DEFAULT_TTL,
        ...(kept?.description !== undefined ? { description: kept.description } : {}),
      };
      const written = current?.id
        ? await ctx.exchange((signal) => client.update(zoneId, current.id!, body, signal))
        : await ctx.exchange((signal) => client.create(zoneId, body, signal));
      return { id: written.id };
    },
  };
}

export const descriptor = defineProvider<HuaweiClient>({
  kind: 'huaweicloud',
  title: 'Huawei Cloud DNS',
  color: '#F4A6A6',
  summary: {
    'en-US': 'Keeps record sets of a Huawei Cloud DNS public zone on the current address, through the DNS API v2 signed with an access key (AK/SK).',
    'zh-CN': '通过以访问密钥（AK/SK）签名的 DNS API v2，使华为云 DNS 公网域名中的记录集指向当前地址。',
  },
  account: {
    endpoint: 'https://dns.myhuaweicloud.com',
    maxConcurrent: 2,
    credentials: [
      {
        name: 'accessKey',
        kind: 'text',
        label: { 'en-US': 'Access key (AK)', 'zh-CN': '访问密钥 ID（AK）' },
        help: {
          'en-US': 'the Access Key ID of an IAM user allowed to manage DNS record sets (My Credentials > Access Keys)',
          'zh-CN': '有权管理 DNS 记录集的 IAM 用户的访问密钥 ID（我的凭证 > 访问密钥）',
        },
      },
      {
        name: 'secretKey',
        kind: 'password',
        label: { 'en-US': 'Secret key (SK)', 'zh-CN': '秘密访问密钥（SK）' },
        help: { 'en-US': 'the Secret Access Key that belongs to the access key', 'zh-CN': '与访问密钥 ID 配对的秘密访问密钥' },
      },
    ],
    client({ endpoint, credentials, http }) {
      const accessKey = credentials.accessKey ?? '';
      const secretKey = credentials.secretKey ?? '';
      if (!/^[A-Za-z0-9]{8,128}$/.test(accessKey)) throw new DdnsError('ECONFIG', 'the access key (AK) is not a Huawei Cloud access key: letters and digits, as in the credentials file');
      if (!/^[\x21-\x7e]{8,256}$/.test(secretKey)) throw new DdnsError('ECONFIG', 'the secret key (SK) is not a Huawei Cloud secret key: printable characters without spaces, as in the credentials file');
      return createHuaweiClient({ endpoint, accessKey, secretKey, http });
    },
  },
  updater: {
    zone: true,
    ttl: TTL_RANGE,
    provider({ client, settings, fixed, dryRun }) {
      return zoneRecordUpdater(
        'huaweicloud',
        { settings, fixed, dryRun },
        createApi(client),
        (value) => parseTtl(value),
      );
    },
  },
});
