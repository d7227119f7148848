/**
 * Gandi LiveDNS (API v5, https://api.gandi.net/docs/livedns/) as the
 * `gandi-account` / `gandi-ddns` pair: the zone is the domain, the names full
 * names inside it; each RRset is read, and PUT as the one address when it
 * holds anything else (client.ts has the calls and how answers are read).
 *
 * Credentials: a personal access token, sent as `Authorization: Bearer`
 * (https://api.gandi.net/docs/authentication/). Gandi has deprecated the old
 * API keys (`Authorization: Apikey`); those were 24 letters and digits,
 * where a personal access token is longer (40 hex digits as issued so far;
 * lexicon's Gandi provider tells the two apart by that length, PR #1987), so
 * a value of exactly that old shape is refused at deploy with the way out.
 * Any other value goes to Gandi, and its 401/403 carries the same hint.
 *
 * TTL: rrset_ttl takes 300 to 2592000 seconds (LiveDNS reference). A PUT
 * replaces the RRset whole, so with no TTL in the node an existing RRset is
 * written back with its own; a new one gets Gandi's default.
 */
import { DdnsError } from '../../core/errors';
import { zoneRecordUpdater } from '../zone-updater';
import { defineProvider } from '../descriptor';
import { type CurrentRecord, type RecordTarget } from '../record-provider';
import { createGandiClient, DEPRECATED_API_KEY, type GandiClient, type GandiRrset } from './client';

export const GANDI_ENDPOINT = 'https://api.gandi.net/v5/livedns';
export const TTL_RANGE = { min: 300, max: 2_592_000 } as const;

/** the old API key: 24 letters and digits, nothing else */
const OLD_API_KEY = /^[A-Za-z0-9]{24}$/;
/** what goes in a Bearer header without spaces or controls (RFC 6750 b64token, with a little slack) */
const TOKEN_SHAPE = /^[\w.~+/=-]{8,512}$/;

export function checkToken(value: string): string {
  const token = value.trim();
  if (/^apikey\s/i.test(token) || OLD_API_KEY.test(token)) throw new DdnsError('ECONFIG', `this looks like an old Gandi API key. ${DEPRECATED_API_KEY}`);
  if (/^bearer\s/i.test(token)) throw new DdnsError('ECONFIG', 'paste the personal access token alone, without the word Bearer');
  if (!TOKEN_SHAPE.test(token)) throw new DdnsError('ECONFIG', 'the token is not a Gandi personal access token (letters and digits, as Gandi shows it once when it is created)');
  return token;
}

async function writeRrset(client: GandiClient, target: RecordTarget, current: CurrentRecord | undefined, ttl: number | undefined, signal: AbortSignal): Promise<void> {
  // the PUT replaces the RRset, TTL included: keep the one it has unless the node sets one
  const kept = ttl ?? (current?.data as GandiRrset | undefined)?.ttl;
  await client.write(target, kept, signal);
}

export const descriptor = defineProvider<GandiClient>({
  kind: 'gandi',
  title: 'Gandi LiveDNS',
  color: '#9ED8DB',
  summary: {
    'en-US': 'Keeps A and AAAA records of a domain on Gandi LiveDNS on the current address, through the Gandi API v5 with a personal access token.',
    'zh-CN': '通过 Gandi API v5 和个人访问令牌，使 Gandi LiveDNS 上域名的 A 和 AAAA 记录指向当前地址。',
  },
  account: {
    endpoint: GANDI_ENDPOINT,
    // "a maximum of 30 requests per minute" (API reference, Rate limit): one at a time
    maxConcurrent: 1,
    credentials: [
      {
        name: 'token',
        kind: 'password',
        label: { 'en-US': 'Personal access token', 'zh-CN': '个人访问令牌' },
        help: {
          'en-US': 'a personal access token made in your Gandi account (Account settings, or the organization\'s Sharing tab) with "Manage domain name technical configurations" for the domain. Old API keys are deprecated and refused. Tokens expire: make a new one in time.',
          'zh-CN': '在 Gandi 账户（账户设置，或组织的“共享”页）中创建的个人访问令牌，须对该域名有“管理域名技术配置”（Manage domain name technical configurations）权限。旧的 API 密钥已被弃用，不被接受。令牌会过期，请及时创建新令牌。',
        },
      },
    ],
    client({ endpoint, credentials, http }) {
      return createGandiClient(endpoint, checkToken(credentials.token ?? ''), http);
    },
  },
  updater: {
    zone: true,
    ttl: TTL_RANGE,
    provider({ client, settings, fixed, dryRun }) {
      return zoneRecordUpdater(
        'gandi',
        { settings, fixed, dryRun },
        {
            read: (target, ctx) => ctx.exchange((signal) => client.read(target, signal)),
            write: (target, current, ctx) => ctx.exchange((signal) => writeRrset(client, target, current, ctx.ttl, signal)),
          },
        TTL_RANGE,
      );
    },
  },
});
