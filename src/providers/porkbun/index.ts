/**
 * Porkbun DNS (API v3, https://porkbun.com/api/json/v3/documentation) as the
 * `porkbun-account` / `porkbun-ddns` pair. The zone is the Porkbun domain;
 * each record is read with retrieveByNameType, then changed by id or created
 * (client.ts has the calls and how their answers are read).
 *
 * A change goes through POST /dns/edit/{domain}/{id} with the whole record,
 * not editByNameType: both take `ttl`, `prio` and `notes` as optional, and an
 * omitted `ttl` is Porkbun's default of 600 ("The minimum and the default is
 * 600 seconds", documentation, DNS Create/Edit), so a bare {content} would
 * reset a record's own TTL and could drop its notes. Sending the record back
 * as read keeps them; the node's TTL replaces the record's only when set.
 * The read costs one request, which the ledger spares while it trusts the value.
 *
 * API access is off for every domain until switched on in Porkbun's domain
 * management: that refusal is EFORBIDDEN and blocks, like refused keys.
 */
import { DdnsError } from '../../core/errors';
import { zoneRecordUpdater } from '../zone-updater';
import { defineProvider } from '../descriptor';
import { type CurrentRecord, type RecordTarget } from '../record-provider';
import { createPorkbunClient, type PorkbunClient, type PorkbunRecord } from './client';

export const PORKBUN_ENDPOINT = 'https://api.porkbun.com/api/json/v3';
/** "The minimum and the default is 600 seconds" (documentation); a day is as long as a changing address should be cached */
export const TTL_RANGE = { min: 600, max: 86_400 } as const;

// keys as the API page shows them: pk1_/sk1_ and 64 hex digits; a little slack in length and alphabet
const API_KEY = /^pk1_[A-Za-z0-9]{16,128}$/;
const SECRET_KEY = /^sk1_[A-Za-z0-9]{16,128}$/;

export function checkKeys(apiKey: string, secretApiKey: string): { apiKey: string; secretApiKey: string } {
  if (apiKey.startsWith('sk1_') && secretApiKey.startsWith('pk1_')) {
    throw new DdnsError('ECONFIG', 'the API key and the secret API key are swapped: the API key starts with pk1_, the secret with sk1_');
  }
  if (!API_KEY.test(apiKey)) throw new DdnsError('ECONFIG', 'the API key is not a Porkbun API key (pk1_ and letters or digits, as on porkbun.com/account/api)');
  if (!SECRET_KEY.test(secretApiKey)) throw new DdnsError('ECONFIG', 'the secret API key is not a Porkbun secret API key (sk1_ and letters or digits)');
  return { apiKey, secretApiKey };
}

/** The old host answers API calls with a bare 403 since December 2024: say so at deploy instead. */
function checkEndpoint(endpoint: string): string {
  const host = new URL(endpoint).hostname.toLowerCase();
  if (host === 'porkbun.com' || host === 'www.porkbun.com') {
    throw new DdnsError('ECONFIG', `porkbun.com no longer answers API calls (since December 2024): use ${PORKBUN_ENDPOINT}`);
  }
  return endpoint;
}

/** The subdomain Porkbun's paths and `name` fields take: '' for the apex. */
export function subdomainOf(name: string, zone: string): string {
  return name === zone ? '' : name.slice(0, -zone.length - 1);
}

async function readRecord(client: PorkbunClient, target: RecordTarget, signal: AbortSignal): Promise<CurrentRecord | undefined> {
  const zone = target.zone!;
  const records = (await client.retrieve(zone, target.type, subdomainOf(target.name, zone), signal)).filter(
    (r) => r.type.toUpperCase() === target.type && (r.name === '' || r.name.toLowerCase().replace(/\.$/, '') === target.name),
  );
  if (records.length === 0) return undefined;
  return { values: records.map((r) => r.content), id: records[0].id, data: records };
}

async function writeRecord(client: PorkbunClient, target: RecordTarget, current: CurrentRecord | undefined, ttl: number | undefined, signal: AbortSignal): Promise<{ id?: string }> {
  const zone = target.zone!;
  const records = (current?.data as PorkbunRecord[] | undefined) ?? [];
  if (records.length > 1) {
    // which of a round robin's addresses to replace is the user's choice, not ours
    throw new DdnsError('ECONFLICT', `${target.name}: ${records.length} ${target.type} records at this name (${current!.values.join(', ')}); delete all but one in Porkbun's DNS management`);
  }
  if (records.length === 1) {
    const record = records[0];
    await client.edit(zone, { ...record, name: target.name, type: target.type, content: target.value, ttl: ttl !== undefined ? String(ttl) : record.ttl }, signal);
    return { id: record.id };
  }
  const id = await client.create(zone, { name: subdomainOf(target.name, zone), type: target.type, content: target.value, ...(ttl !== undefined ? { ttl } : {}) }, signal);
  return id ? { id } : {};
}

export const descriptor = defineProvider<PorkbunClient>({
  kind: 'porkbun',
  title: 'Porkbun',
  color: '#F4A6B7',
  summary: {
    'en-US': "Keeps A and AAAA records of a Porkbun domain on the current address, through Porkbun's API v3 with an API key pair. API access must be switched on for the domain in Porkbun's domain management.",
    'zh-CN': '通过 Porkbun API v3 和一对 API 密钥，使 Porkbun 域名的 A 和 AAAA 记录指向当前地址。须先在 Porkbun 的域名管理中为该域名打开 API 访问（API ACCESS）。',
  },
  account: {
    endpoint: PORKBUN_ENDPOINT,
    maxConcurrent: 1,
    credentials: [
      {
        name: 'apiKey',
        kind: 'text',
        placeholder: 'pk1_…',
        label: { 'en-US': 'API key', 'zh-CN': 'API 密钥' },
        help: { 'en-US': 'the API key from porkbun.com/account/api, starting with <code>pk1_</code>', 'zh-CN': '在 porkbun.com/account/api 创建的 API 密钥，以 <code>pk1_</code> 开头' },
      },
      {
        name: 'secretApiKey',
        kind: 'password',
        placeholder: 'sk1_…',
        label: { 'en-US': 'Secret API key', 'zh-CN': 'API 私密密钥' },
        help: { 'en-US': 'the secret API key shown once with it, starting with <code>sk1_</code>', 'zh-CN': '与 API 密钥一同显示（仅显示一次）的私密密钥，以 <code>sk1_</code> 开头' },
      },
    ],
    client({ endpoint, credentials, http }) {
      const keys = checkKeys(credentials.apiKey ?? '', credentials.secretApiKey ?? '');
      return createPorkbunClient(checkEndpoint(endpoint), keys, http);
    },
  },
  updater: {
    zone: true,
    ttl: { min: TTL_RANGE.min, max: TTL_RANGE.max },
    provider({ client, settings, fixed, dryRun }) {
      return zoneRecordUpdater(
        'porkbun',
        { settings, fixed, dryRun },
        {
            read: (target, ctx) => ctx.exchange((signal) => readRecord(client, target, signal)),
            write: (target, current, ctx) => ctx.exchange((signal) => writeRecord(client, target, current, ctx.ttl, signal)),
          },
        TTL_RANGE,
      );
    },
  },
});
