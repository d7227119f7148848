/**
 * Hetzner DNS by the Hetzner Cloud API (https://docs.hetzner.cloud/reference/cloud#zone-rrsets),
 * where Hetzner's DNS moved from the retired DNS Console API (dns.hetzner.com). The zone is a
 * zone of the token's Cloud project, addressed by its name; the names are full names inside
 * it (the apex too). Each RRSet is read, then its records set or the RRSet created, and one
 * that already holds the address is left alone. The client is in client.ts.
 *
 * A write replaces the records with the one address and keeps the comment the replaced record
 * carried, and the TTL when the node sets none (`set_records` takes records only; a TTL the
 * node sets goes by `change_ttl` first, so a refused TTL leaves the record untouched). A new
 * RRSet without a TTL follows the zone's default TTL.
 *
 * TTL: at least 60 (Hetzner's floor for zones and RRSets); at most 2147483647, the 31 bits
 * RFC 2181 §8 allows. Hetzner says in words what it does not take.
 */
import { DdnsError } from '../../core/errors';
import { zoneRecordUpdater } from '../zone-updater';
import { defineProvider } from '../descriptor';
import { createHetznerClient, replacementRecords, type HetznerClient, type HetznerRrset } from './client';

export const TTL_RANGE = { min: 60, max: 2_147_483_647 } as const;

/** Cloud API tokens are 64 letters and digits; anything without spaces or controls is let through to the server */
const TOKEN_SHAPE = /^[\x21-\x7e]{8,256}$/;

/** hosts of the retired DNS Console API, whose tokens and paths the Cloud API does not share */
const RETIRED_HOST = /(^|\.)dns\.hetzner\.com$/i;

/** the memo key under which the zone's id is kept once the zone is known to exist */
const zoneKey = (zone: string): string => `zone ${zone}`;

export const descriptor = defineProvider<HetznerClient>({
  kind: 'hetzner',
  title: 'Hetzner',
  color: '#F08C8C',
  summary: {
    'en-US': 'Keeps A and AAAA records of a zone hosted at Hetzner DNS on the current address, through the Hetzner Cloud API (zones and RRSets) with a Cloud API token. The old DNS Console API (<code>dns.hetzner.com</code>) is retired and not used.',
    'zh-CN': '通过 Hetzner Cloud API（区域与 RRSet）和 Cloud API 令牌，使托管在 Hetzner DNS 的区域中的 A 和 AAAA 记录指向当前地址。已停用的旧 DNS Console API（<code>dns.hetzner.com</code>）不再使用。',
  },
  account: {
    endpoint: 'https://api.hetzner.cloud/v1',
    credentials: [
      {
        name: 'apiToken',
        kind: 'password',
        label: { 'en-US': 'API token', 'zh-CN': 'API 令牌' },
        help: {
          'en-US': 'a Hetzner Cloud API token with <b>Read &amp; Write</b> permission, made in the Hetzner Console in the project that holds the zone (Security &gt; API tokens); a DNS Console token is not accepted',
          'zh-CN': '在 Hetzner Console 中、区域所在项目里创建（安全 &gt; API 令牌）的具有<b>读写</b>权限的 Hetzner Cloud API 令牌；旧 DNS Console 令牌不被接受',
        },
      },
    ],
    client({ endpoint, credentials, http }) {
      if (RETIRED_HOST.test(new URL(endpoint).hostname)) {
        throw new DdnsError('ECONFIG', 'the old Hetzner DNS API is retired; use a Hetzner Cloud API token with the default endpoint');
      }
      const token = credentials.apiToken ?? '';
      if (!TOKEN_SHAPE.test(token)) throw new DdnsError('ECONFIG', 'the API token is not a Hetzner Cloud API token (letters and digits, as the Hetzner Console shows it once)');
      return createHetznerClient(endpoint, token, http);
    },
  },
  updater: {
    zone: true,
    ttl: TTL_RANGE,
    provider({ client, settings, fixed, dryRun }) {
      return zoneRecordUpdater(
        'hetzner',
        { settings, fixed, dryRun },
        {
            async read(target, ctx) {
              const zone = target.zone!;
              const current = await ctx.exchange((signal) => client.read(target, signal));
              if (current) {
                if (current.zoneId) ctx.memo[zoneKey(zone)] = current.zoneId;
                const { zoneId: _zoneId, ...record } = current;
                return record;
              }
              // a 404 is no RRSet or no zone: the zone is asked once, so "would create" in a dry run is the truth
              if (ctx.memo[zoneKey(zone)] === undefined) ctx.memo[zoneKey(zone)] = await ctx.exchange((signal) => client.zoneId(zone, signal));
              return undefined;
            },
            async write(target, current, ctx) {
              const zone = target.zone!;
              if (!current) {
                try {
                  const id = await ctx.exchange((signal) => client.create(target, ctx.ttl, signal));
                  return id ? { id } : undefined;
                } catch (err) {
                  // the zone went away since it was seen: ask again next time
                  if (err instanceof DdnsError && err.code === 'ENOTFOUND') delete ctx.memo[zoneKey(zone)];
                  throw err;
                }
              }
              const held = current.data as HetznerRrset | undefined;
              const wanted = ctx.ttl;
              if (wanted !== undefined && held?.ttl !== wanted) await ctx.exchange((signal) => client.changeTtl(target, wanted, signal));
              await ctx.exchange((signal) => client.setRecords(target, replacementRecords(target.value, held?.records), signal));
              return current.id ? { id: current.id } : undefined;
            },
          },
        TTL_RANGE,
      );
    },
  },
});
