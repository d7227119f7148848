/**
 * Reading records from Alidns. Two ways, chosen by how many RRs need a look:
 * - a few: DescribeSubDomainRecords per RR (one small answer each);
 * - many: DescribeDomainRecords over the whole domain, 500 a page, matched
 *   locally, so a thousand RRs cost a handful of calls instead of a thousand.
 * Either way the match is done here, exactly: the record's domain, RR
 * (case-insensitive), type, line. A record is only ever ours when its
 * `DomainName` is the requested domain: a listing that also holds another
 * domain's record (an account with several domains, a server or proxy that
 * answers loosely) must never lead to a write of that record.
 */
import { DdnsError } from '../../core/errors';
import type { AlidnsApi, CallStats } from './client';
import { fqdn, sameDomain, sameRr } from './names';

export const PAGE_SIZE = 500;
/** 500 pages x 500 records is far past any zone's quota; more means the server's paging is broken */
const MAX_PAGES = 500;

/** One record as the API returns it, in the fields we use. */
export interface ApiRecord {
  /** the zone the record belongs to; every record of both listings carries it (see the API references above) */
  DomainName?: string;
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
  if (typeof r.DomainName === 'string' && r.DomainName !== '') record.DomainName = r.DomainName;
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

function sameSlot(record: ApiRecord, rr: string, filter: RecordFilter): boolean {
  return sameRr(record.RR, rr) && record.Type.toUpperCase() === filter.type && record.Line.toLowerCase() === filter.line.toLowerCase();
}

/**
 * Whose record this is. A record without DomainName cannot be told apart: it
 * may be another domain's (so it is never updated) or ours (so adding one
 * beside it would make a second record). The real API always sends
 * DomainName, even with DomainName pinned in the request, so an answer
 * without it is not Alibaba's to trust: such a record is neither ours nor
 * ignored, and its RR gets EBADRESPONSE with nothing written.
 */
function owner(record: ApiRecord, domain: string): 'ours' | 'foreign' | 'unknown' {
  if (record.DomainName === undefined) return 'unknown';
  return sameDomain(record.DomainName, domain) ? 'ours' : 'foreign';
}

function unattributed(action: string, rr: string, filter: RecordFilter, count: number): DdnsError {
  return badResponse(
    action,
    `${count} record(s) for ${fqdn(rr, filter.domain)} came without a DomainName, so they cannot be told from another domain's; nothing was written`,
  );
}

/** Our records of one RR, or the reason they cannot be known. */
function ownRecords(found: readonly ApiRecord[], rr: string, filter: RecordFilter, action: string): ApiRecord[] {
  const inSlot = found.filter((record) => sameSlot(record, rr, filter));
  const unknown = inSlot.filter((record) => owner(record, filter.domain) === 'unknown').length;
  if (unknown > 0) throw unattributed(action, rr, filter, unknown);
  return inSlot.filter((record) => owner(record, filter.domain) === 'ours');
}

/** Records of exactly this RR, type and line of this domain (one query for the RR's full name). */
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
  return ownRecords(found, rr, filter, 'DescribeSubDomainRecords');
}

/** One listing of the domain, asked per RR; an RR whose records cannot be attributed throws when asked for. */
export interface DomainListing {
  recordsFor(rr: string): ApiRecord[];
}

/** Every record of this type in the domain, for lookup by RR within the line. */
export async function listDomainRecords(
  api: AlidnsApi,
  filter: RecordFilter,
  signal: AbortSignal | undefined,
  stats: CallStats,
): Promise<DomainListing> {
  // TypeKeyWord is an exact (case-insensitive) match on the server: it only shortens the list
  const found = await allPages(api, 'DescribeDomainRecords', { DomainName: filter.domain, TypeKeyWord: filter.type }, signal, stats);
  const byRr = new Map<string, ApiRecord[]>();
  for (const record of found) {
    if (!sameSlot(record, record.RR, filter)) continue;
    const key = record.RR.toLowerCase();
    const list = byRr.get(key);
    if (list) list.push(record);
    else byRr.set(key, [record]);
  }
  return { recordsFor: (rr) => ownRecords(byRr.get(rr.toLowerCase()) ?? [], rr, filter, 'DescribeDomainRecords') };
}
