/**
 * The generic HTTP updater, for any DDNS service the package has no provider
 * for: one request per record (name and type) built from the user's
 * templates (template.ts: URL, method, headers, body, placeholders encoded
 * for where they stand), a success that is a 2xx answer matching the user's
 * pattern (client.ts). The service cannot be asked what a record holds, so it
 * is update-only, as DuckDNS is: the ledger decides, and an unchanged address
 * sends nothing.
 *
 * The account holds three optional credentials (`user`, `password`, `token`)
 * and no endpoint: the URL is the updater's. Credentials stay in Node-RED's
 * credential store and reach a request only through their placeholders; the
 * node masks every form of them (URL-encoded and JSON-escaped included) in
 * everything it shows.
 *
 * `{ipv4}` and `{ipv6}` are the input's addresses of each family, whatever
 * record is written, so a service that takes both in one request can be
 * given both (with `recordType` A, one request per name).
 */
import { DdnsError } from '../../core/errors';
import { addressJobs, addressTypeSetting } from '../../core/jobs';
import type { Ledger } from '../../core/ledger';
import type { Run } from '../../core/run';
import type { SyncInput } from '../contract';
import { defineProvider } from '../descriptor';
import { createRecordProvider, type RecordTarget } from '../record-provider';
import { optionalTtl, updaterNames } from '../targets';
import { compileSuccess, createHttpDdnsClient, type HttpDdnsClient } from './client';
import { compileRequest, fillRequest, METHODS, placeholdersUsed, type Values } from './template';

const TTL_RANGE = { min: 1, max: 2_147_483_647 };

/** The input's address of each family, '' when it has none. */
function familyAddresses(value: unknown): { ipv4: string; ipv6: string } {
  const out = { ipv4: '', ipv6: '' };
  try {
    for (const job of addressJobs('auto', value)) out[job.type === 'A' ? 'ipv4' : 'ipv6'] = job.value;
  } catch {
    // an unusable input is refused by the run itself, in words
  }
  return out;
}

export const descriptor = defineProvider<HttpDdnsClient>({
  kind: 'http',
  title: 'HTTP (any service)',
  color: '#E2D96E',
  summary: {
    'en-US': 'Keeps names on the current address through any DDNS service with an update URL: the request (URL, method, headers, body) is built from templates with placeholders such as <code>{ip}</code> and <code>{token}</code>.',
    'zh-CN': '通过任何提供更新地址的 DDNS 服务使名称指向当前地址：请求（地址、方法、请求头、请求体）由带占位符（如 <code>{ip}</code>、<code>{token}</code>）的模板生成。',
  },
  account: {
    maxConcurrent: 1,
    credentials: [
      {
        name: 'user',
        kind: 'text',
        required: false,
        label: { 'en-US': 'User', 'zh-CN': '用户名' },
        help: {
          'en-US': 'optional: the user name, filled in where a template has <code>{user}</code>. Kept in the credential store and masked like the others.',
          'zh-CN': '可选：用户名，填入模板中的 <code>{user}</code>。保存在凭据存储中，并与其他凭据一样被屏蔽。',
        },
      },
      {
        name: 'password',
        kind: 'password',
        required: false,
        label: { 'en-US': 'Password', 'zh-CN': '密码' },
        help: { 'en-US': 'optional: filled in where a template has <code>{password}</code>.', 'zh-CN': '可选：填入模板中的 <code>{password}</code>。' },
      },
      {
        name: 'token',
        kind: 'password',
        required: false,
        label: { 'en-US': 'Token', 'zh-CN': '令牌' },
        help: {
          'en-US': 'optional: an API token or update key, filled in where a template has <code>{token}</code> (e.g. <code>Authorization: Bearer {token}</code>).',
          'zh-CN': '可选：API 令牌或更新密钥，填入模板中的 <code>{token}</code>（例如 <code>Authorization: Bearer {token}</code>）。',
        },
      },
    ],
    client({ credentials, http }) {
      return createHttpDdnsClient({ user: credentials.user ?? '', password: credentials.password ?? '', token: credentials.token ?? '' }, http);
    },
  },
  updater: {
    zone: false,
    hostnames: {
      help: {
        'en-US': 'full names, separated by commas or spaces, e.g. <code>home.example.com</code>: one request per name and record type, with the name in <code>{hostname}</code>. Empty: <code>msg.hostnames</code>.',
        'zh-CN': '完整名称，用逗号或空格分隔，例如 <code>home.example.com</code>：每个名称和记录类型发送一个请求，名称填入 <code>{hostname}</code>。留空：取 <code>msg.hostnames</code>。',
      },
    },
    settings: [
      {
        name: 'url',
        kind: 'text',
        required: true,
        placeholder: 'https://dyn.example.net/update?host={hostname}&ip={ip}',
        label: { 'en-US': 'URL', 'zh-CN': '地址' },
        help: {
          'en-US':
            'the update URL, <code>https://</code> (or <code>http://</code> on your LAN), with placeholders: <code>{ip}</code> the record\'s address, <code>{ipv4}</code> <code>{ipv6}</code> the input\'s address of each family (empty if none), <code>{hostname}</code>, <code>{ttl}</code>, <code>{user}</code>, <code>{password}</code>, <code>{token}</code>. Values are URL-encoded here. No user name or password in the URL: use a header or the query.',
          'zh-CN':
            '更新地址，<code>https://</code>（局域网内可用 <code>http://</code>），可含占位符：<code>{ip}</code> 记录的地址，<code>{ipv4}</code> <code>{ipv6}</code> 输入中各地址族的地址（没有则为空），<code>{hostname}</code>、<code>{ttl}</code>、<code>{user}</code>、<code>{password}</code>、<code>{token}</code>。此处的值经过 URL 编码。地址中不能含用户名或密码：请用请求头或查询参数。',
        },
      },
      {
        name: 'method',
        kind: 'select',
        default: 'GET',
        options: METHODS.map((m) => ({ value: m, label: { 'en-US': m, 'zh-CN': m } })),
        label: { 'en-US': 'Method', 'zh-CN': '方法' },
        help: { 'en-US': 'the HTTP method; a body needs POST, PUT or PATCH.', 'zh-CN': 'HTTP 方法；带请求体时须用 POST、PUT 或 PATCH。' },
      },
      {
        name: 'success',
        kind: 'text',
        placeholder: '^(good|nochg)',
        label: { 'en-US': 'Success', 'zh-CN': '成功条件' },
        help: {
          'en-US':
            'a regular expression the answer must match (within its first 4 KB) for the update to count as done, e.g. <code>^(good|nochg)</code> or <code>"status":\\s*"ok"</code>. Empty: any 2xx answer is success. Patterns that can take exponential time are refused at deploy.',
          'zh-CN':
            '应答必须匹配的正则表达式（在其前 4 KB 内），更新才算完成，例如 <code>^(good|nochg)</code> 或 <code>"status":\\s*"ok"</code>。留空：任何 2xx 应答都算成功。可能耗费指数时间的表达式在部署时即被拒绝。',
        },
      },
      {
        name: 'headers',
        kind: 'textarea',
        more: true,
        placeholder: 'Authorization: Bearer {token}',
        label: { 'en-US': 'Headers', 'zh-CN': '请求头' },
        help: {
          'en-US': 'one <code>Name: value</code> per line; values may use placeholders, inserted as they are (a value with a line break is refused).',
          'zh-CN': '每行一个 <code>名称: 值</code>；值可含占位符，按原样填入（含换行的值会被拒绝）。',
        },
      },
      {
        name: 'body',
        kind: 'textarea',
        more: true,
        placeholder: '{"hostname": "{hostname}", "ip": "{ip}"}',
        label: { 'en-US': 'Body', 'zh-CN': '请求体' },
        help: {
          'en-US':
            'the request body, with placeholders. Starting with <code>{</code> or <code>[</code> it is JSON: values are JSON-escaped (put string placeholders in quotes) and it is sent as <code>application/json</code> unless the headers set a Content-Type. With <code>Content-Type: application/x-www-form-urlencoded</code> values are URL-encoded (<code>ip={ip}&amp;host={hostname}</code>); any other body gets them as they are, as <code>text/plain</code> unless the headers say otherwise.',
          'zh-CN':
            '请求体，可含占位符。以 <code>{</code> 或 <code>[</code> 开头即为 JSON：值经过 JSON 转义（字符串占位符须加引号），除非请求头指定了 Content-Type，否则以 <code>application/json</code> 发送。若 <code>Content-Type: application/x-www-form-urlencoded</code>，值经过 URL 编码（<code>ip={ip}&amp;host={hostname}</code>）；其他请求体按原样填入值，除非请求头另有指定，否则以 <code>text/plain</code> 发送。',
        },
      },
      {
        name: 'ttl',
        kind: 'number',
        more: true,
        rule: 'number',
        min: TTL_RANGE.min,
        max: TTL_RANGE.max,
        label: { 'en-US': 'TTL', 'zh-CN': '生存时间（TTL）' },
        help: {
          'en-US': 'seconds, for the <code>{ttl}</code> placeholder; empty fills it with nothing. Only the templates send it.',
          'zh-CN': '秒，用于 <code>{ttl}</code> 占位符；留空则填入空值。只有模板会发送它。',
        },
      },
    ],
    provider({ client, settings, fixed, dryRun }) {
      const names = updaterNames(false, fixed);
      const recordType = addressTypeSetting(settings.recordType);
      const ttl = optionalTtl(settings.ttl, TTL_RANGE);
      const ttlText = ttl === undefined ? '' : String(ttl);
      const template = compileRequest({ url: settings.url, method: settings.method, headers: settings.headers, body: settings.body }, ttlText);
      const success = compileSuccess(settings.success);
      const { credentials } = client;
      for (const name of ['user', 'password', 'token'] as const) {
        if (placeholdersUsed(template).has(name) && credentials[name] === '') {
          throw new DdnsError('ECONFIG', `the request uses {${name}}, but the http-account has no ${name}`);
        }
      }
      const service = template.host ?? 'the service';

      /** a record provider whose writes know this input's addresses ({ipv4}, {ipv6}) */
      const build = (family: { ipv4: string; ipv6: string }) =>
        createRecordProvider({
          kind: 'http',
          api: {
            write(target: RecordTarget, _current, ctx) {
              const values: Values = { ip: target.value, ...family, hostname: target.name, ttl: ttlText, ...credentials };
              const request = fillRequest(template, values);
              return ctx.exchange((signal) => client.send(request, `${target.name} (${template.method} ${service})`, success, signal));
            },
          },
          recordType,
          configured: names.configured,
          targets: (input) => names.targets(input),
          dryRun,
        });
      const base = build({ ipv4: '', ipv6: '' });
      return { ...base, sync: (input: SyncInput, state: Ledger, run: Run) => build(familyAddresses(input.value)).sync(input, state, run) };
    },
  },
});
