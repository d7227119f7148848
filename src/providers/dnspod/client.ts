/**
 * The DNSPod API client: Tencent Cloud API 3.0, version 2021-03-23, one
 * signed POST of a JSON body per action (公共参数 / common parameters,
 * https://cloud.tencent.com/document/api/1427/56190: X-TC-Action,
 * X-TC-Version, X-TC-Timestamp, Authorization; no Region for DNSPod), and the
 * three actions the updater needs:
 * - DescribeRecordList (https://cloud.tencent.com/document/api/1427/56166):
 *   Domain, Subdomain, RecordType, RecordLine, Offset/Limit; answers
 *   RecordList [{RecordId, Name, Type, Line, LineId, Value, TTL, MX, Weight,
 *   Status, Remark, ...}], or the error ResourceNotFound.NoDataOfRecord when
 *   nothing matches;
 * - ModifyRecord (https://cloud.tencent.com/document/api/1427/56157): Domain,
 *   RecordId, SubDomain, RecordType, RecordLine, Value and the record's other
 *   fields (omitted ones may be reset, so they are sent back as read);
 * - CreateRecord (https://cloud.tencent.com/document/api/1427/56180).
 * Note the spelling: DescribeRecordList takes `Subdomain`, the writes `SubDomain`.
 *
 * Answers come in English (X-TC-Language: en-US): server text reaches the
 * user only as an ASCII excerpt, where a Chinese message would be question marks.
 */
import { DdnsError } from '../../core/errors';
import { statusFailure, readJson, type ApiHttp } from '../http-api';
import { serverExcerpt } from '../../core/redact';
import { apiFailure, NO_RECORDS } from './api-errors';
import { CONTENT_TYPE, tc3Authorization } from './sign';

export const API_VERSION = '2021-03-23';
export const SERVICE = 'dnspod';
/** DescribeRecordList's page; one name, type and line is a handful of records */
export const PAGE_SIZE = 100;

/** A record as DescribeRecordList's RecordList gives it (RecordListItem). */
export interface DnspodRecord {
  RecordId: number;
  Name: string;
  Type: string;
  Line: string;
  LineId?: string;
  Value: string;
  TTL?: number;
  MX?: number;
  Weight?: number | null;
  Status?: string;
  Remark?: string;
}

export interface RecordQuery {
  domain: string;
  /** the name relative to the zone, `@` for the apex */
  subdomain: string;
  type: string;
  line: string;
}

export interface DnspodClient {
  /** one action; the answer's `Response` without its error, or the error as a DdnsError */
  call(action: string, params: Record<string, unknown>, signal: AbortSignal, where: string): Promise<Record<string, unknown>>;
  /** one page of DescribeRecordList; [] when DNSPod says there is none */
  listRecords(query: RecordQuery, offset: number, signal: AbortSignal): Promise<DnspodRecord[]>;
}

export interface ClientOptions {
  endpoint: string;
  secretId: string;
  secretKey: string;
  http: ApiHttp;
  /** seconds since the epoch; the test's fixed clock */
  now?: () => number;
}

function isRecord(value: unknown): value is DnspodRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return typeof r.RecordId === 'number' && typeof r.Name === 'string' && typeof r.Type === 'string' && typeof r.Line === 'string' && typeof r.Value === 'string';
}

export function createDnspodClient(options: ClientOptions): DnspodClient {
  const url = new URL(`${options.endpoint}/`);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const { http } = options;

  async function call(action: string, params: Record<string, unknown>, signal: AbortSignal, where: string): Promise<Record<string, unknown>> {
    const payload = JSON.stringify(params);
    const timestamp = now();
    const authorization = tc3Authorization({ secretId: options.secretId, secretKey: options.secretKey, service: SERVICE, host: url.host, path: url.pathname, timestamp, payload });
    const res = await http.send(
      {
        method: 'POST',
        url,
        headers: {
          'content-type': CONTENT_TYPE,
          authorization,
          'x-tc-action': action,
          'x-tc-version': API_VERSION,
          'x-tc-timestamp': String(timestamp),
          'x-tc-language': 'en-US',
        },
        body: payload,
      },
      signal,
    );
    const failed = statusFailure(res, where, serverExcerpt(res.body, http.secrets));
    if (failed) throw failed;
    const body = readJson(res, where, http.secrets) as { Response?: unknown } | null;
    const response = body && typeof body === 'object' ? body.Response : undefined;
    if (!response || typeof response !== 'object' || Array.isArray(response)) {
      throw new DdnsError('EBADRESPONSE', `${where}: not a Tencent Cloud API answer (no Response): ${serverExcerpt(res.body, http.secrets)}`, { statusCode: res.status });
    }
    const out = response as Record<string, unknown>;
    const requestId = typeof out.RequestId === 'string' ? out.RequestId.slice(0, 64) : undefined;
    if (out.Error !== undefined) {
      const error = (out.Error && typeof out.Error === 'object' ? out.Error : {}) as { Code?: unknown; Message?: unknown };
      const code = typeof error.Code === 'string' && error.Code !== '' ? error.Code.slice(0, 80) : 'Error';
      throw apiFailure(code, typeof error.Message === 'string' ? error.Message : '', requestId, where, http.secrets);
    }
    return out;
  }

  return {
    call,
    async listRecords(query, offset, signal) {
      const where = `DNSPod DescribeRecordList ${query.subdomain} ${query.type} in ${query.domain}`;
      let answer: Record<string, unknown>;
      try {
        answer = await call('DescribeRecordList', { Domain: query.domain, Subdomain: query.subdomain, RecordType: query.type, RecordLine: query.line, Offset: offset, Limit: PAGE_SIZE }, signal, where);
      } catch (err) {
        if (err instanceof DdnsError && err.providerCode === NO_RECORDS) return [];
        throw err;
      }
      const list = answer.RecordList;
      if (list === undefined || list === null) return [];
      if (!Array.isArray(list) || !list.every(isRecord)) {
        throw new DdnsError('EBADRESPONSE', `${where}: RecordList is not a list of records`, { ...(typeof answer.RequestId === 'string' ? { requestId: answer.RequestId.slice(0, 64) } : {}) });
      }
      return list;
    },
  };
}
