/**
 * DuckDNS (https://www.duckdns.org/spec.jsp): one GET per record,
 * `/update?domains=SUB&token=TOKEN&ip=V4` or `&ipv6=V6`, with `verbose=true` so
 * the answer says what the server now holds. `OK` is success; `KO` means the
 * token or the name was refused and blocks the record until the login changes.
 * An update-only service: it cannot be asked what a record holds, so the
 * ledger decides, and an unchanged address sends nothing.
 *
 * The address is always sent: without `ip` DuckDNS takes the IPv4 the request
 * came from, which on a host with two uplinks or behind a proxy is not the
 * address the flow found. An IPv6 update sends `ipv6` alone ("if you specify
 * this then the autodetection for ip is not used", spec), as ddns-updater's
 * duckdns provider does.
 */
import { sameAddress } from '../../core/address';
import { DdnsError } from '../../core/errors';
import { addressTypeSetting } from '../../core/jobs';
import { checkName, shownName } from '../../core/names';
import { checkNamesPerInput } from '../../core/validate';
import { serverExcerpt } from '../../core/redact';
import { defineProvider } from '../descriptor';
import { statusFailure, type ApiHttp } from '../http-api';
import { createRecordProvider, type RecordTarget } from '../record-provider';

const SUFFIX = '.duckdns.org';
/** "a few lines of text"; anything longer is not DuckDNS */
const MAX_ANSWER = 4 * 1024;

export interface DuckdnsClient {
  update(target: RecordTarget, signal: AbortSignal): Promise<void>;
}

/** `home`, `home.duckdns.org` or `home.duckdns.org.` as the full name. */
export function duckdnsNames(text: unknown): string[] {
  if (typeof text !== 'string' || text.trim() === '') throw new DdnsError('ECONFIG', 'no host names: set them in the node or send msg.hostnames');
  const out: string[] = [];
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const checked = checkName(part);
    const full = checked ? (checked.ascii.endsWith(SUFFIX) ? checked.ascii : `${checked.ascii}${SUFFIX}`) : undefined;
    if (!full || full.split('.').length !== 3) throw new DdnsError('ECONFIG', `"${shownName(part)}" is not a DuckDNS name such as home.duckdns.org`);
    if (!out.includes(full)) out.push(full);
  }
  return out;
}

function createClient(endpoint: string, token: string, http: ApiHttp): DuckdnsClient {
  return {
    async update(target, signal) {
      const url = new URL(`${endpoint}/update`);
      url.searchParams.set('domains', target.name.slice(0, -SUFFIX.length));
      url.searchParams.set('token', token);
      url.searchParams.set(target.type === 'A' ? 'ip' : 'ipv6', target.value);
      url.searchParams.set('verbose', 'true');
      const res = await http.send({ url, maxBytes: MAX_ANSWER }, signal);
      const where = `DuckDNS ${target.name}`;
      const text = serverExcerpt(res.body, http.secrets);
      const failed = statusFailure(res, where, text);
      if (failed) throw failed;
      const lines = res.body.split(/\r?\n/).map((l) => l.trim());
      if (lines[0] === 'KO') {
        throw new DdnsError('EAUTH', `${where}: DuckDNS refused the update (KO): check the token, and that the name is one of this account's`, { providerCode: 'KO' });
      }
      if (lines[0] !== 'OK') throw new DdnsError('EBADRESPONSE', `${where}: not a DuckDNS answer: ${text}`, { statusCode: res.status });
      const echoed = target.type === 'A' ? lines[1] : lines[2];
      if (echoed && !sameAddress(echoed, target.value)) {
        throw new DdnsError('EBADRESPONSE', `${where}: DuckDNS answered OK but holds ${echoed.slice(0, 45)}, not ${target.value}`, { providerCode: 'OK' });
      }
    },
  };
}

export const descriptor = defineProvider<DuckdnsClient>({
  kind: 'duckdns',
  title: 'DuckDNS',
  color: '#F0E68C',
  summary: {
    'en-US': 'Keeps DuckDNS names (<code>home.duckdns.org</code>) on the current address, through its update URL with the account token.',
    'zh-CN': '通过 DuckDNS 的更新地址和账户令牌，使 DuckDNS 名称（<code>home.duckdns.org</code>）指向当前地址。',
  },
  account: {
    endpoint: 'https://www.duckdns.org',
    maxConcurrent: 1,
    credentials: [
      {
        name: 'token',
        kind: 'password',
        label: { 'en-US': 'Token', 'zh-CN': '令牌' },
        help: { 'en-US': 'the token shown on your DuckDNS account page', 'zh-CN': 'DuckDNS 账户页面上显示的令牌' },
      },
    ],
    client({ endpoint, credentials, http }) {
      const token = credentials.token ?? '';
      if (!/^[\w-]{8,64}$/.test(token)) throw new DdnsError('ECONFIG', 'the token is not a DuckDNS token (letters, digits and dashes, as on the account page)');
      return createClient(endpoint, token, http);
    },
  },
  updater: {
    zone: false,
    hostnames: {
      placeholder: 'home.duckdns.org',
      label: { 'en-US': 'Names', 'zh-CN': '名称' },
      help: {
        'en-US': 'one or more DuckDNS names, separated by commas: <code>home.duckdns.org</code> or just <code>home</code>. Empty: <code>msg.hostnames</code>.',
        'zh-CN': '一个或多个 DuckDNS 名称，用逗号分隔：<code>home.duckdns.org</code> 或只写 <code>home</code>。留空：取 <code>msg.hostnames</code>。',
      },
    },
    provider({ client, settings, fixed, dryRun }) {
      const names = fixed.hostnames !== undefined ? duckdnsNames(fixed.hostnames) : undefined;
      return createRecordProvider({
        kind: 'duckdns',
        api: { write: (target, _current, ctx) => ctx.exchange((signal) => client.update(target, signal)) },
        recordType: addressTypeSetting(settings.recordType),
        configured: (names ?? []).map((name) => ({ name })),
        targets(input) {
          if (names) return names.map((name) => ({ name }));
          const list = duckdnsNames(input.names?.hostnames);
          checkNamesPerInput(list.length, 'host names');
          return list.map((name) => ({ name }));
        },
        dryRun,
      });
    },
  },
});
