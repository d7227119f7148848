/**
 * Reading records from Alidns. Two ways, chosen by how many RRs need a look:
 * - a few: DescribeSubDomainRecords per RR (one small answer each);
 * - many: DescribeDomainRecords over the whole domain, 500 a page, matched
 *   locally, so a thousand RRs cost a handful of calls instead of a thousand.
 * Either way the match is done here, exactly: RR (case-insensitive), type, line.
 */
import { DdnsError } from '../../core/errors';
import type { AlidnsApi, CallStats } from './client';
import { fqdn, sameRr } from './names';

export const PAGE_SIZE = 500;
/** 500 pages x 500 records is far past any zone's quota; more means the server's paging is broken */
const MAX_PAGES = 500;

/** One record as the API returns it, in the fields we use. */
export interface ApiRecord {
  RecordId: string;
  RR: string;
  Type: string;
  Value: string;
  TTL?: number;
  Line: string;
  Priority?: number;
  Status?: string;
}

interface RecordPage {
  TotalCount?: unknown;
  PageNumber?: unknown;
  PageSize?: unknown;
  DomainRecords?: { Record?: unknown };
}

function badResponse(action: string, what: string): DdnsError {
  return new DdnsError('EBADRESPONSE', `Alibaba Cloud DNS ${action}: ${what}`);
}

function parseRecord(raw: unknown, action: string): ApiRecord {
  if (!raw || typeof raw !== 'object') throw badResponse(action, 'a record entry is not an object');
  const r = raw as Record<string, unknown>;
  const id = typeof r.RecordId === 'number' || typeof r.RecordId === 'string' ? String(r.RecordId) : '';
  if (id === '' || typeof r.RR !== 'string' || typeof r.Type !== 'string' || typeof r.Value !== 'string') {
    throw badResponse(action, 'a record lacks RecordId, RR, Type or Value');
  }
  const line = typeof r.Line === 'string' && r.Line !== '' ? r.Line : 'default';
  const record: ApiRecord = { RecordId: id, RR: r.RR, Type: r.Type, Value: r.Value, Line: line };
  const ttl = Number(r.TTL);
  if (r.TTL !== undefined && Number.isFinite(ttl)) record.TTL = ttl;
  const priority = Number(r.Priority);
  if (r.Priority !== undefined && r.Priority !== null && Number.isFinite(priority)) record.Priority = priority;
  if (typeof r.Status === 'string') record.Status = r.Status;
  return record;
}

function parsePage(page: RecordPage, action: string): { records: ApiRecord[]; total?: number } {
  if (!page || typeof page !== 'object') throw badResponse(action, 'the answer is not an object');
  const list = page.DomainRecords?.Record ?? [];
  // some gateways turn a one-element list into the element itself
  const entries = Array.isArray(list) ? list : [list];
  const total = Number(page.TotalCount);
  const records = entries.map((entry) => parseRecord(entry, action));
  return Number.isFinite(total) && total >= 0 && page.TotalCount !== undefined ? { records, total } : { records };
}

async function allPages(
  api: AlidnsApi,
  action: string,
  params: Record<string, string | number>,
  signal: AbortSignal | undefined,
  stats: CallStats,
): Promise<ApiRecord[]> {
  const out: ApiRecord[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await api.call<RecordPage>(action, { ...params, PageNumber: page, PageSize: PAGE_SIZE }, signal, stats);
    const { records, total } = parsePage(answer, action);
    out.push(...records);
    // TotalCount decides (a server may cap PageSize below ours); without it a short page is the last
    const done = records.length === 0 || (total !== undefined ? out.length >= total : records.length < PAGE_SIZE);
    if (done) return out;
  }
  throw badResponse(action, `more than ${MAX_PAGES} pages of records`);
}

export interface RecordFilter {
  domain: string;
  type: string;
  line: string;
}

function matches(record: ApiRecord, rr: string, filter: RecordFilter): boolean {
  return sameRr(record.RR, rr) && record.Type.toUpperCase() === filter.type && record.Line.toLowerCase() === filter.line.toLowerCase();
}

/** Records of exactly this RR, type and line (one query for the RR's full name). */
export async function findSubdomainRecords(
  api: AlidnsApi,
  rr: string,
  filter: RecordFilter,
  signal: AbortSignal | undefined,
  stats: CallStats,
): Promise<ApiRecord[]> {
  const found = await allPages(
    api,
    'DescribeSubDomainRecords',
    // DomainName pins the zone: without it the server guesses it from the last two labels (wrong for example.com.cn)
    { SubDomain: fqdn(rr, filter.domain), DomainName: filter.domain, Type: filter.type },
    signal,
    stats,
  );
  return found.filter((record) => matches(record, rr, filter));
}

/** Every record of this type in the domain, grouped by lower-case RR and filtered by line. */
export async function listDomainRecords(
  api: AlidnsApi,
  filter: RecordFilter,
  signal: AbortSignal | undefined,
  stats: CallStats,
): Promise<Map<string, ApiRecord[]>> {
  // TypeKeyWord is an exact (case-insensitive) match on the server: it only shortens the list
  const found = await allPages(api, 'DescribeDomainRecords', { DomainName: filter.domain, TypeKeyWord: filter.type }, signal, stats);
  const byRr = new Map<string, ApiRecord[]>();
  for (const record of found) {
    if (!matches(record, record.RR, filter)) continue;
    const key = record.RR.toLowerCase();
    const list = byRr.get(key);
    if (list) list.push(record);
    else byRr.set(key, [record]);
  }
  return byRr;
}
