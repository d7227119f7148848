/**
 * Namecheap Dynamic DNS (https://www.namecheap.com/support/knowledgebase/article.aspx/29/11/how-to-dynamically-update-the-hosts-ip-with-an-http-request/):
 * one GET per host, `/update?host=HOST&domain=DOMAIN&password=PASSWORD&ip=V4`,
 * with the domain's own Dynamic DNS password (the Advanced DNS page), not the
 * account API. The answer is a small XML document (./answer.ts).
 *
 * Hosts are named relative to the domain, as Namecheap's records are: `@`,
 * `www`, `*`, `home` (a full name inside the domain is taken too). Records are
 * kept and shown under their full names, so the sidebar and the name-server
 * check (verify) see `home.example.com`.
 *
 * IPv4 only: the endpoint writes "A + Dynamic DNS" records and has no IPv6
 * parameter (ddns-updater refuses IPv6 for it, "Namecheap only supports ipv4
 * addresses for now"). Record type `auto` is built as `A`, so `{ipv4, ipv6}`
 * writes the A records and says in each result that the IPv6 address was not
 * sent. A skipped AAAA result was the other way, and a worse one: the updater's
 * status lists every result that did not fail as "in sync" and the sidebar
 * would keep an AAAA row that can never be written, both claiming an address
 * Namecheap does not hold. An input with no IPv4 address is EBADINPUT in words
 * before any request.
 *
 * An update-only service: it cannot be asked what a host holds, so the ledger
 * decides, and an unchanged address sends nothing. The address is always sent:
 * without `ip` Namecheap takes the address the request came from (ddclient's
 * `&ip=` may be empty), which behind a proxy or on a second uplink is not the
 * one the flow found. The password travels in the query string: core/http.ts
 * never puts a query in its messages, and server text is masked (answer.ts).
 */
import { DdnsError } from '../../core/errors';
import { addressTypeSetting } from '../../core/jobs';
import { checkName, shownName } from '../../core/names';
import { isAddressPair, parsePayloadAddresses } from '../../core/payload';
import { serverExcerpt } from '../../core/redact';
import { checkNamesPerInput } from '../../core/validate';
import type { Provider } from '../contract';
import { defineProvider } from '../descriptor';
import { statusFailure, type ApiHttp } from '../http-api';
import { createRecordProvider, type RecordTarget } from '../record-provider';
import { parseZone } from '../targets';
import { answerFailure, readInterfaceResponse } from './answer';

/** the answer is a dozen short lines; anything much longer is not Namecheap's */
const MAX_ANSWER = 8 * 1024;

export const IPV4_ONLY = "Namecheap's Dynamic DNS takes IPv4 addresses only; use a AAAA record in Namecheap's Advanced DNS by hand, or another provider for IPv6";

export interface NamecheapClient {
  /** the account's domain, ASCII, lower case */
  readonly domain: string;
  update(target: RecordTarget, signal: AbortSignal): Promise<void>;
}

/** The host as Namecheap names it inside `domain`: `@` for the domain itself. */
export function hostOf(name: string, domain: string): string {
  return name === domain ? '@' : name.slice(0, -(domain.length + 1));
}

/**
 * Full names from hosts relative to `domain` (`@`, `www`, `*`, `home`, `a.b`), or
 * full names inside it (`home.example.com`), separated by commas or spaces.
 */
export function namecheapNames(text: unknown, domain: string): string[] {
  if (typeof text !== 'string' || text.trim() === '') throw new DdnsError('ECONFIG', 'no hosts: set them in the node (@, www, home) or send msg.hostnames');
  const out: string[] = [];
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    let full: string | undefined;
    if (part === '@') full = domain;
    else {
      const rules = { wildcard: true, underscore: true, international: true };
      const checked = checkName(part, rules);
      if (checked) {
        const ascii = checked.ascii;
        const joined = ascii === domain || ascii.endsWith(`.${domain}`) ? ascii : `${ascii}.${domain}`;
        full = checkName(joined, { ...rules, minLabels: 2 })?.ascii;
      }
    }
    if (!full) throw new DdnsError('ECONFIG', `"${shownName(part)}" is not a host of ${domain} such as @, www, * or home`);
    if (!out.includes(full)) out.push(full);
  }
  return out;
}

function accountDomain(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DdnsError('ECONFIG', 'the namecheap-account has no domain: set the domain this Dynamic DNS password belongs to, such as example.com');
  }
  try {
    return parseZone(value);
  } catch {
    throw new DdnsError('ECONFIG', `the namecheap-account's domain "${shownName(value)}" is not a domain such as example.com`);
  }
}

function createClient(endpoint: string, domain: string, password: string, http: ApiHttp): NamecheapClient {
  return {
    domain,
    async update(target, signal) {
      const host = hostOf(target.name, domain);
      const url = new URL(`${endpoint}/update`);
      url.searchParams.set('host', host);
      url.searchParams.set('domain', domain);
      url.searchParams.set('password', password);
      url.searchParams.set('ip', target.value);
      const res = await http.send({ url, maxBytes: MAX_ANSWER }, signal);
      const where = `Namecheap ${target.name}`;
      const failed = statusFailure(res, where, serverExcerpt(res.body, http.secrets));
      if (failed) throw failed;
      const answer = readInterfaceResponse(res.body);
      if (!answer) throw new DdnsError('EBADRESPONSE', `${where}: not a Namecheap Dynamic DNS answer: ${serverExcerpt(res.body, http.secrets)}`, { statusCode: res.status });
      const refused = answerFailure(answer, { name: target.name, host, domain, value: target.value, secrets: http.secrets, statusCode: res.status });
      if (refused) throw refused;
    },
  };
}

/** EBADINPUT in words when the input has no IPv4 address; true when it also held an IPv6 one. */
function ipv4Of(payload: unknown): { dropsIpv6: boolean } {
  const addresses = parsePayloadAddresses(payload);
  if (addresses.ipv4 === undefined) {
    const given = isAddressPair(payload) ? 'msg.payload has no ipv4' : 'msg.payload is an IPv6 address';
    throw new DdnsError('EBADINPUT', `${given}: ${IPV4_ONLY}`);
  }
  return { dropsIpv6: addresses.ipv6 !== undefined };
}

export const descriptor = defineProvider<NamecheapClient>({
  kind: 'namecheap',
  title: 'Namecheap',
  color: '#F6A86B',
  summary: {
    'en-US': "Keeps hosts of a Namecheap domain (<code>@</code>, <code>www</code>, <code>home</code>) on the current IPv4 address, through Namecheap's Dynamic DNS with the domain's Dynamic DNS password.",
    'zh-CN': '通过 Namecheap 动态 DNS 和该域名的动态 DNS 密码，使 Namecheap 域名下的主机（<code>@</code>、<code>www</code>、<code>home</code>）指向当前 IPv4 地址。',
  },
  account: {
    endpoint: 'https://dynamicdns.park-your-domain.com',
    maxConcurrent: 1,
    credentials: [
      {
        name: 'password',
        kind: 'password',
        label: { 'en-US': 'Dynamic DNS password', 'zh-CN': '动态 DNS 密码' },
        help: {
          'en-US': "the domain's Dynamic DNS password: Namecheap, Domain List, Manage, <i>Advanced DNS</i>, turn <i>Dynamic DNS</i> on (32 hexadecimal characters; not your Namecheap login password). Each domain has its own.",
          'zh-CN': '该域名的动态 DNS 密码：Namecheap 控制台 Domain List → Manage → <i>Advanced DNS</i>，打开 <i>Dynamic DNS</i> 后显示（32 位十六进制字符；不是 Namecheap 登录密码）。每个域名各有一个。',
        },
      },
    ],
    settings: [
      {
        name: 'domain',
        kind: 'text',
        required: true,
        rule: 'zone',
        placeholder: 'example.com',
        label: { 'en-US': 'Domain', 'zh-CN': '域名' },
        help: {
          'en-US': 'the domain the password belongs to, such as <code>example.com</code>; the updaters name hosts inside it.',
          'zh-CN': '该密码所属的域名，如 <code>example.com</code>；更新节点中的主机都在此域名内。',
        },
      },
    ],
    client({ endpoint, credentials, settings, http }) {
      const domain = accountDomain(settings.domain);
      const password = credentials.password ?? '';
      // the format ddns-updater checks too: the page shows 32 hex digits
      if (!/^[0-9a-f]{32}$/i.test(password)) {
        throw new DdnsError('ECONFIG', "the password is not a Namecheap Dynamic DNS password (32 hexadecimal characters from the domain's Advanced DNS page, not the login password)");
      }
      return createClient(endpoint, domain, password, http);
    },
  },
  updater: {
    zone: false,
    recordTypes: ['auto', 'A'],
    hostnames: {
      placeholder: '@, www',
      rule: 'hosts',
      label: { 'en-US': 'Hosts', 'zh-CN': '主机' },
      help: {
        'en-US': "hosts of the account's domain, separated by commas, as on Namecheap's Advanced DNS page: <code>@</code> for the domain itself, <code>www</code>, <code>home</code>, <code>*</code> for the wildcard (a full name such as <code>home.example.com</code> is taken too). Each needs an <i>A + Dynamic DNS Record</i> there. Empty: <code>msg.hostnames</code>.",
        'zh-CN': '账户域名下的主机，用逗号分隔，与 Namecheap Advanced DNS 页面一致：<code>@</code> 表示域名本身，<code>www</code>、<code>home</code>，<code>*</code> 为泛解析（也可写完整名称，如 <code>home.example.com</code>）。每个主机在该页面需有一条 <i>A + Dynamic DNS Record</i>。留空：取 <code>msg.hostnames</code>。',
      },
    },
    provider({ client, settings, fixed, dryRun }) {
      const setting = addressTypeSetting(settings.recordType);
      if (setting === 'AAAA') throw new DdnsError('ECONFIG', `record type must be auto or A: ${IPV4_ONLY}`);
      const names = fixed.hostnames !== undefined ? namecheapNames(fixed.hostnames, client.domain) : undefined;
      const records = createRecordProvider({
        kind: 'namecheap',
        api: { write: (target, _current, ctx) => ctx.exchange((signal) => client.update(target, signal)) },
        // auto is A here: see the head of this file
        recordType: 'A',
        configured: (names ?? []).map((name) => ({ name })),
        targets(input) {
          if (names) return names.map((name) => ({ name }));
          const list = namecheapNames(input.names?.hostnames, client.domain);
          checkNamesPerInput(list.length, 'hosts');
          return list.map((name) => ({ name }));
        },
        dryRun,
      });
      const provider: Provider<ReturnType<typeof records.emptyState>> = {
        ...records,
        async sync(input, state, run) {
          const { dropsIpv6 } = ipv4Of(input.value);
          const outcome = await records.sync(input, state, run);
          if (!dropsIpv6 || setting !== 'auto') return outcome;
          const note = "the IPv6 address was not sent: Namecheap's Dynamic DNS takes IPv4 only";
          return { ...outcome, results: outcome.results.map((r) => ({ ...r, message: r.message ? `${r.message} (${note})` : note })) };
        },
      };
      return provider;
    },
  },
});
