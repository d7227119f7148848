/**
 * deSEC (https://desec.io), by its REST API (https://desec.readthedocs.io/en/latest/dns/rrsets.html):
 * the zone is a domain of the deSEC account, the names are full names inside
 * it (the apex too); each record is read, then PATCHed or created, and an
 * RRset that already holds the address is left alone. The client is in
 * client.ts.
 *
 * TTL: "The smallest acceptable value is given by the domain's minimum TTL
 * setting. The maximum value is 86400" (RRset field reference). The minimum
 * is set by deSEC per domain (3600 by default, lower for some), so the node
 * allows 60 up to 86400 and a TTL below the domain's minimum is refused by
 * deSEC in words. Empty: an existing RRset keeps its TTL, a new one gets 3600.
 */
import { DdnsError } from '../../core/errors';
import { zoneRecordUpdater } from '../zone-updater';
import { defineProvider } from '../descriptor';
import { createDesecClient, type DesecClient } from './client';

export const TTL_RANGE = { min: 60, max: 86_400 } as const;

/** deSEC token secrets are 28 characters of URL-safe base64; anything without spaces or controls is let through to the server */
const TOKEN_SHAPE = /^[\w.~+/=-]{8,256}$/;

export const descriptor = defineProvider<DesecClient>({
  kind: 'desec',
  title: 'deSEC',
  color: '#FFB27F',
  summary: {
    'en-US': 'Keeps A and AAAA records of a domain hosted at deSEC (<code>desec.io</code>, <code>dedyn.io</code>) on the current address, through the deSEC REST API with an API token.',
    'zh-CN': '通过 deSEC REST API 和 API 令牌，使托管在 deSEC（<code>desec.io</code>、<code>dedyn.io</code>）的域名的 A 和 AAAA 记录指向当前地址。',
  },
  account: {
    endpoint: 'https://desec.io/api/v1',
    // deSEC throttles hard (a few requests a second per account): one at a time
    maxConcurrent: 1,
    credentials: [
      {
        name: 'token',
        kind: 'password',
        label: { 'en-US': 'Token', 'zh-CN': '令牌' },
        help: {
          'en-US': 'an API token from the deSEC web interface (Token management); a token with a policy needs write access to the records it updates',
          'zh-CN': 'deSEC 网页界面（令牌管理）中创建的 API 令牌；带策略的令牌需要对所更新记录的写权限',
        },
      },
    ],
    client({ endpoint, credentials, http }) {
      const token = credentials.token ?? '';
      if (!TOKEN_SHAPE.test(token)) throw new DdnsError('ECONFIG', 'the token is not a deSEC API token (letters, digits, - and _, as the token management page shows it)');
      return createDesecClient(endpoint, token, http);
    },
  },
  updater: {
    zone: true,
    ttl: TTL_RANGE,
    provider({ client, settings, fixed, dryRun }) {
      return zoneRecordUpdater(
        'desec',
        { settings, fixed, dryRun },
        {
            read: (target, ctx) => ctx.exchange((signal) => client.read(target, signal)),
            write: (target, current, ctx) => ctx.exchange((signal) => client.write(target, current !== undefined, ctx.ttl, signal)),
          },
        TTL_RANGE,
      );
    },
  },
});
