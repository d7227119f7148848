/**
 * ClouDNS (HTTP API, https://www.cloudns.net/wiki/article/41/) as the
 * `cloudns-account` / `cloudns-ddns` pair. The zone is the ClouDNS DNS zone;
 * each record is read with List records by its host and type, then changed by
 * id with Modify record or created with Add record (client.ts has the calls
 * and how their answers are read).
 *
 * Both writes require `ttl`, and only from a fixed list (articles 58 and 60):
 * a TTL outside it is refused at deploy rather than by the server on the first
 * change. When the node sets none, a change sends the record's own TTL back
 * (Modify record would otherwise need one invented) and a new record gets
 * DEFAULT_TTL. Two records of one host and type (round robin) are never
 * guessed between: ECONFLICT with their ids.
 *
 * The login is an API user (`auth-id`) or an API sub-user (`sub-auth-id`),
 * exactly one of them, with its password (article 42). A sub-user's zones are
 * only those delegated to it: any other is "Missing domain-name", ENOTFOUND.
 */
import { DdnsError } from '../../core/errors';
import { zoneRecordUpdater } from '../zone-updater';
import { defineProvider } from '../descriptor';
import { type CurrentRecord, type RecordTarget } from '../record-provider';
import { createCloudnsClient, type CloudnsClient, type CloudnsLogin, type CloudnsRecord } from './client';

export const CLOUDNS_ENDPOINT = 'https://api.cloudns.net';
/** "Available TTL's" of Add record and Modify record (articles 58, 60): 1 minute to 1 month */
export const CLOUDNS_TTLS = [60, 300, 900, 1800, 3600, 21600, 43200, 86400, 172800, 259200, 604800, 1209600, 2592000] as const;
/** a new record's TTL when the node sets none: 5 minutes, short enough for an address that changes */
export const DEFAULT_TTL = 300;

const ID = /^\d{1,12}$/;

/** The login from the account's credentials: an auth-id or a sub-auth-id, never both, and the password. */
export function checkLogin(credentials: Readonly<Record<string, string>>): CloudnsLogin {
  const authId = credentials.authId ?? '';
  const subAuthId = credentials.subAuthId ?? '';
  const password = credentials.authPassword ?? '';
  if (authId !== '' && subAuthId !== '') throw new DdnsError('ECONFIG', 'set either the auth-id (API user) or the sub-auth-id (API sub-user), not both');
  if (authId === '' && subAuthId === '') throw new DdnsError('ECONFIG', 'no login: set the auth-id of an API user or the sub-auth-id of an API sub-user');
  if (authId !== '' && !ID.test(authId)) throw new DdnsError('ECONFIG', 'the auth-id is not a ClouDNS API user ID (digits, as the API settings page shows it)');
  if (subAuthId !== '' && !ID.test(subAuthId)) throw new DdnsError('ECONFIG', 'the sub-auth-id is not a ClouDNS API sub-user ID (digits, as the API settings page shows it)');
  if (password === '' || password.length > 256 || /[\x00-\x1f\x7f]/.test(password)) throw new DdnsError('ECONFIG', 'the password is missing or is not a ClouDNS API password');
  return authId !== '' ? { authId, password } : { subAuthId, password };
}

/** The node's TTL: undefined when empty (the record's own, or DEFAULT_TTL for a new one), else one ClouDNS offers. */
export function ttlSetting(value: unknown): number | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const ttl = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,8}\s*$/.test(value) ? Number(value) : NaN;
  if (!(CLOUDNS_TTLS as readonly number[]).includes(ttl)) {
    throw new DdnsError('ECONFIG', `ttl must be one of the TTLs ClouDNS offers: ${CLOUDNS_TTLS.join(', ')} seconds`);
  }
  return ttl;
}

/** The host ClouDNS's `host` parameter takes: relative to the zone, '' for the apex. */
export function hostOf(name: string, zone: string): string {
  return name === zone ? '' : name.slice(0, -(zone.length + 1));
}

async function readRecord(client: CloudnsClient, target: RecordTarget, signal: AbortSignal): Promise<CurrentRecord | undefined> {
  const zone = target.zone!;
  const records = await client.list(zone, hostOf(target.name, zone), target.type, signal);
  if (records.length === 0) return undefined;
  return { values: records.map((r) => r.record), id: records[0].id, data: records };
}

async function writeRecord(client: CloudnsClient, target: RecordTarget, current: CurrentRecord | undefined, ttl: number | undefined, signal: AbortSignal): Promise<{ id?: string }> {
  const zone = target.zone!;
  const host = hostOf(target.name, zone);
  const records = (current?.data as CloudnsRecord[] | undefined) ?? [];
  if (records.length > 1) {
    throw new DdnsError('ECONFLICT', `${target.name}: ${records.length} ${target.type} records at this host (ids ${records.map((r) => r.id).join(', ')}); ClouDNS round robin is not guessed between: keep one`);
  }
  if (records.length === 1) {
    const record = records[0];
    const own = /^\d{1,8}$/.test(record.ttl) ? record.ttl : String(DEFAULT_TTL);
    await client.modify(zone, { id: record.id, host: record.host, record: target.value, ttl: ttl !== undefined ? String(ttl) : own }, signal);
    return { id: record.id };
  }
  const id = await client.add(zone, { type: target.type, host, record: target.value, ttl: String(ttl ?? DEFAULT_TTL) }, signal);
  return id ? { id } : {};
}

export const descriptor = defineProvider<CloudnsClient>({
  kind: 'cloudns',
  title: 'ClouDNS',
  color: '#8EC9E8',
  summary: {
    'en-US': "Keeps A and AAAA records of a ClouDNS zone on the current address, through ClouDNS's HTTP API with an API user (auth-id) or sub-user (sub-auth-id) and its password.",
    'zh-CN': '通过 ClouDNS HTTP API 和 API 用户（auth-id）或子用户（sub-auth-id）及其密码，使 ClouDNS 区域的 A 和 AAAA 记录指向当前地址。',
  },
  account: {
    endpoint: CLOUDNS_ENDPOINT,
    maxConcurrent: 2,
    credentials: [
      {
        name: 'authId',
        kind: 'text',
        required: false,
        placeholder: '12345',
        label: { 'en-US': 'auth-id (API user ID)', 'zh-CN': 'auth-id（API 用户 ID）' },
        help: {
          'en-US': "the API user's ID, as ClouDNS's API settings page lists it; leave empty when using a sub-user",
          'zh-CN': 'API 用户的 ID，见 ClouDNS 的 API 设置页面；使用子用户时留空',
        },
      },
      {
        name: 'subAuthId',
        kind: 'text',
        required: false,
        placeholder: '67890',
        label: { 'en-US': 'sub-auth-id (sub-user ID)', 'zh-CN': 'sub-auth-id（子用户 ID）' },
        help: {
          'en-US': "an API sub-user's ID instead of the auth-id; the sub-user sees only the zones delegated to it",
          'zh-CN': '以 API 子用户的 ID 代替 auth-id；子用户只能看到委派给它的区域',
        },
      },
      {
        name: 'authPassword',
        kind: 'password',
        label: { 'en-US': 'Password', 'zh-CN': '密码' },
        help: { 'en-US': "the API user's or sub-user's password (auth-password); it is sent in the request body, never in the URL", 'zh-CN': 'API 用户或子用户的密码（auth-password）；在请求正文中发送，从不放在 URL 中' },
      },
    ],
    client({ endpoint, credentials, http }) {
      return createCloudnsClient(endpoint, checkLogin(credentials), http);
    },
  },
  updater: {
    zone: true,
    ttl: { min: CLOUDNS_TTLS[0], max: CLOUDNS_TTLS[CLOUDNS_TTLS.length - 1], values: CLOUDNS_TTLS },
    hostnames: {
      placeholder: 'home.example.com',
      help: {
        'en-US': 'full names inside the zone, separated by commas: <code>home.example.com</code>, the zone itself for its apex, <code>*.example.com</code> for the wildcard. Empty: <code>msg.hostnames</code>. The TTL, when set, must be one ClouDNS offers: 60, 300, 900, 1800, 3600, 21600, 43200, 86400, 172800, 259200, 604800, 1209600 or 2592000.',
        'zh-CN': '区域内的完整名称，用逗号分隔：<code>home.example.com</code>；区域本身表示根记录，<code>*.example.com</code> 表示泛解析。留空：取 <code>msg.hostnames</code>。TTL 如填写，须为 ClouDNS 提供的值：60、300、900、1800、3600、21600、43200、86400、172800、259200、604800、1209600 或 2592000。',
      },
    },
    provider({ client, settings, fixed, dryRun }) {
      return zoneRecordUpdater(
        'cloudns',
        { settings, fixed, dryRun },
        {
            read: (target, ctx) => ctx.exchange((signal) => readRecord(client, target, signal)),
            write: (target, current, ctx) => ctx.exchange((signal) => writeRecord(client, target, current, ctx.ttl, signal)),
          },
        (value) => ttlSetting(value),
      );
    },
  },
});
