/**
 * Tencent Cloud DNSPod (API 3.0, 2021-03-23, https://cloud.tencent.com/document/api/1427/56153):
 * a record is looked up with DescribeRecordList by its exact subdomain, type
 * and line, changed with ModifyRecord (its weight, MX, status, remark and, when
 * the node sets none, TTL sent back as read) or created with CreateRecord.
 *
 * DescribeRecordList's `Subdomain` is a filter whose matching the docs do not
 * pin down (a keyword search would return `home2` for `home`), so every answer
 * is filtered again for the exact name (`Name` is the label relative to the
 * zone, `@` for the apex), type and line. Two records of one name, type and
 * line (round robin, weighted) are never guessed between: ECONFLICT with their ids.
 */
import { domainToASCII } from 'node:url';
import { DdnsError } from '../../core/errors';
import { addressTypeSetting } from '../../core/jobs';
import { defineProvider } from '../descriptor';
import { createRecordProvider, type RecordTarget } from '../record-provider';
import { optionalTtl, updaterNames } from '../targets';
import { createDnspodClient, PAGE_SIZE, type DnspodClient, type DnspodRecord } from './client';

export const DEFAULT_LINE = '默认';
/** TTL range of ModifyRecord/CreateRecord ("范围1-604800，不同等级域名最小值不同": the plan's minimum is DNSPod's to enforce) */
export const TTL_RANGE = { min: 1, max: 604_800 } as const;
/** pages read at most: more than 500 records of one name, type and line is no record to write to */
const MAX_PAGES = 5;

/** The name relative to the zone, as DNSPod spells it: `@` for the apex. */
export function subdomainOf(name: string, zone: string): string {
  return name === zone ? '@' : name.slice(0, -(zone.length + 1));
}

/** DNSPod's `Name` against ours: case-insensitive, an internationalised label in either form. */
function sameName(theirs: string, ours: string): boolean {
  const lower = theirs.toLowerCase();
  if (lower === ours) return true;
  if (/^[\x00-\x7f]*$/.test(theirs)) return false;
  return domainToASCII(`${lower}.x`) === `${ours}.x`;
}

export function lineSetting(value: unknown): string {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return DEFAULT_LINE;
  if (typeof value !== 'string' || value.trim().length > 64 || /[\x00-\x1f\x7f]/.test(value)) {
    throw new DdnsError('ECONFIG', 'line must be a DNSPod record line name such as 默认, 电信 or 境外 (at most 64 characters)');
  }
  return value.trim();
}

export const ttlSetting = (value: unknown): number | undefined => optionalTtl(value, TTL_RANGE);

async function readRecords(client: DnspodClient, target: RecordTarget, line: string, exchange: <T>(task: (signal: AbortSignal) => Promise<T>) => Promise<T>): Promise<DnspodRecord[]> {
  const zone = target.zone!;
  const subdomain = subdomainOf(target.name, zone);
  const found: DnspodRecord[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await exchange((signal) => client.listRecords({ domain: zone, subdomain, type: target.type, line }, page * PAGE_SIZE, signal));
    found.push(...list.filter((r) => sameName(r.Name, subdomain) && r.Type.toUpperCase() === target.type && r.Line === line));
    if (list.length < PAGE_SIZE) return found;
  }
  throw new DdnsError('EPROVIDER', `${target.name}: more than ${MAX_PAGES * PAGE_SIZE} ${target.type} records on the line ${line}; not one record to write to`);
}

/** ModifyRecord's parameters: the new value, everything else as DescribeRecordList gave it. */
export function modifyParams(zone: string, record: DnspodRecord, value: string, ttl: number | undefined): Record<string, unknown> {
  return {
    Domain: zone,
    RecordId: record.RecordId,
    SubDomain: record.Name,
    RecordType: record.Type,
    RecordLine: record.Line,
    ...(typeof record.LineId === 'string' && record.LineId !== '' ? { RecordLineId: record.LineId } : {}),
    Value: value,
    ...(ttl !== undefined ? { TTL: ttl } : typeof record.TTL === 'number' ? { TTL: record.TTL } : {}),
    ...(typeof record.MX === 'number' ? { MX: record.MX } : {}),
    ...(typeof record.Weight === 'number' ? { Weight: record.Weight } : {}),
    ...(typeof record.Status === 'string' && record.Status !== '' ? { Status: record.Status } : {}),
    ...(typeof record.Remark === 'string' ? { Remark: record.Remark } : {}),
  };
}

function recordIdOf(answer: Record<string, unknown>, fallback?: number): string | undefined {
  const id = typeof answer.RecordId === 'number' ? answer.RecordId : fallback;
  return id === undefined ? undefined : String(id);
}

export const descriptor = defineProvider<DnspodClient>({
  kind: 'dnspod',
  title: 'Tencent Cloud DNSPod',
  color: '#7EB6FF',
  summary: {
    'en-US': 'Keeps DNSPod records (Tencent Cloud DNS) on the current address, through the Tencent Cloud API 3.0 with a SecretId/SecretKey pair.',
    'zh-CN': '通过腾讯云 API 3.0 和 SecretId/SecretKey 密钥，使 DNSPod（腾讯云 DNS 解析）记录指向当前地址。',
  },
  account: {
    endpoint: 'https://dnspod.tencentcloudapi.com',
    maxConcurrent: 2,
    credentials: [
      {
        name: 'secretId',
        kind: 'text',
        label: { 'en-US': 'SecretId', 'zh-CN': 'SecretId' },
        help: {
          'en-US': 'the API key\'s SecretId (Tencent Cloud console, Access Management, API keys); a sub-user\'s key needs the DNSPod record actions (QcloudDNSPodFullAccess or DescribeRecordList, ModifyRecord, CreateRecord)',
          'zh-CN': 'API 密钥的 SecretId（腾讯云控制台 访问管理 API 密钥）；子用户的密钥需要 DNSPod 记录权限（QcloudDNSPodFullAccess，或 DescribeRecordList、ModifyRecord、CreateRecord）',
        },
      },
      {
        name: 'secretKey',
        kind: 'password',
        label: { 'en-US': 'SecretKey', 'zh-CN': 'SecretKey' },
        help: { 'en-US': 'the API key\'s SecretKey; it signs every request and is never sent', 'zh-CN': 'API 密钥的 SecretKey；用于为每个请求签名，从不发送' },
      },
    ],
    client({ endpoint, credentials, http }) {
      const secretId = credentials.secretId ?? '';
      const secretKey = credentials.secretKey ?? '';
      if (!/^[\x21-\x7e]{8,128}$/.test(secretId)) throw new DdnsError('ECONFIG', 'the SecretId is missing or is not a Tencent Cloud SecretId (printable characters, as the console shows it)');
      if (!/^[\x21-\x7e]{8,128}$/.test(secretKey)) throw new DdnsError('ECONFIG', 'the SecretKey is missing or is not a Tencent Cloud SecretKey');
      return createDnspodClient({ endpoint, secretId, secretKey, http });
    },
  },
  updater: {
    zone: true,
    ttl: TTL_RANGE,
    settings: [
      {
        name: 'line',
        kind: 'text',
        default: DEFAULT_LINE,
        placeholder: DEFAULT_LINE,
        more: true,
        label: { 'en-US': 'Line', 'zh-CN': '线路' },
        help: {
          'en-US': 'the record line (解析线路) as DNSPod names it: <code>默认</code> (default) for every visitor, or a line of your plan such as <code>电信</code> or <code>境外</code>. Only records on this line are read and written.',
          'zh-CN': 'DNSPod 的解析线路名称：<code>默认</code> 对所有访问者生效，或套餐内的线路，如 <code>电信</code>、<code>境外</code>。只读写该线路上的记录。',
        },
      },
    ],
    provider({ client, settings, fixed, dryRun }) {
      const names = updaterNames(true, fixed);
      const line = lineSetting(settings.line);
      const ttl = ttlSetting(settings.ttl);
      return createRecordProvider({
        kind: 'dnspod',
        recordType: addressTypeSetting(settings.recordType),
        configured: names.configured,
        targets: (input) => names.targets(input),
        ...(ttl !== undefined ? { ttl } : {}),
        dryRun,
        api: {
          async read(target, ctx) {
            const records = await readRecords(client, target, line, ctx.exchange);
            if (records.length === 0) return undefined;
            return { values: records.map((r) => r.Value), id: String(records[0].RecordId), data: records };
          },
          async write(target, current, ctx) {
            const zone = target.zone!;
            const records = (current?.data ?? []) as DnspodRecord[];
            if (records.length > 1) {
              throw new DdnsError('ECONFLICT', `${target.name}: ${records.length} ${target.type} records on the line ${line} (ids ${records.map((r) => r.RecordId).join(', ')}); DNSPod round robin is not guessed between: keep one`);
            }
            if (records.length === 1) {
              const where = `DNSPod ModifyRecord ${target.name} ${target.type}`;
              const answer = await ctx.exchange((signal) => client.call('ModifyRecord', modifyParams(zone, records[0], target.value, ctx.ttl), signal, where));
              return { id: recordIdOf(answer, records[0].RecordId) };
            }
            const where = `DNSPod CreateRecord ${target.name} ${target.type}`;
            const params = { Domain: zone, SubDomain: subdomainOf(target.name, zone), RecordType: target.type, RecordLine: line, Value: target.value, ...(ctx.ttl !== undefined ? { TTL: ctx.ttl } : {}) };
            const answer = await ctx.exchange((signal) => client.call('CreateRecord', params, signal, where));
            return { id: recordIdOf(answer) };
          },
        },
      });
    },
  },
});
