/**
 * What Alibaba Cloud's error answers mean for us. The gateway answers
 * `{"Code", "Message", "RequestId", "HostId", "Recommend"}` with an HTTP status
 * that is often 400 even for throttling or an unknown error, so the decision
 * goes by `Code` first, matched exactly as Alibaba spells it (`UnKnownError`,
 * not `UnknownError`), and by status only when the code says nothing.
 *
 * Where the codes come from (each group below names its sources):
 * - [DNS]      Alibaba Cloud DNS, Error Code Reference (client and server errors of every Alidns call):
 *              https://help.aliyun.com/en/dns/error-code (zh: https://help.aliyun.com/document_detail/435312.html)
 * - [GATEWAY]  the OpenAPI gateway's client-side common codes: https://developer.aliyun.com/ask/278265 and
 *              https://help.aliyun.com/document_detail/51132.html
 * - [UPDATE]   UpdateDomainRecord's error table: https://help.aliyun.com/document_detail/29774.html as published
 *              before the page sent readers to the Error Center (copy: https://developer.aliyun.com/ask/207896)
 * - [ADD]      AddDomainRecord's error table of the same edition of the API reference (copy:
 *              https://help-w.com/microsoft/windows/1498112608.html)
 * - [RESPONSE] Alibaba Cloud DNS common response, sample error answer: https://www.alibabacloud.com/help/doc-detail/29746.htm
 * For DescribeSubDomainRecords (https://www.alibabacloud.com/help/en/dns/api-alidns-2015-01-09-describesubdomainrecords)
 * and DescribeDomainRecords (https://www.alibabacloud.com/help/en/dns/api-alidns-2015-01-09-describedomainrecords)
 * no error table of their own could be read (their pages send readers to the Error Center); what they answer
 * is covered by [DNS] and [GATEWAY] and by the domain codes below.
 */
import { DdnsError, type ErrorCode } from '../../core/errors';
import { WITHHELD, serverTextExcerpt, serverToken } from './server-text';

export interface AlidnsErrorBody {
  Code?: unknown;
  Message?: unknown;
  RequestId?: unknown;
}

// ---- codes the client and the record workflow act on ------------------------------------------------

/** [GATEWAY] the request's Timestamp is more than 15 minutes off the server's clock: corrected once from its Date header. */
export const CLOCK_SKEW_CODE = 'InvalidTimeStamp.Expired';
/** [GATEWAY] the SignatureNonce was seen before: sent once more with a new one. */
export const NONCE_USED_CODE = 'SignatureNonceUsed';
/** [UPDATE] [ADD] the record is already exactly like that. */
export const DUPLICATE_RECORD_CODE = 'DomainRecordDuplicate';

/** [DNS] [GATEWAY] the AccessKey pair is refused: nothing will work until it changes. */
const AUTH_CODES = new Set(['InvalidAccessKeyId.NotFound', 'InvalidAccessKeyId.Inactive', 'SignatureDoesNotMatch', 'IncompleteSignature']);

/**
 * [DNS] Forbidden, Forbidden.RiskControl, Forbidden.UserVerification; [GATEWAY] Forbidden.RAM. The gateway
 * names every "authenticated but not allowed" answer Forbidden or Forbidden.<why>, so the family is matched.
 */
function isForbidden(code: string): boolean {
  return code === 'Forbidden' || code.startsWith('Forbidden.');
}

/** [DNS] Throttling; [GATEWAY] Throttling.User, Throttling.Api: flow control, named Throttling.<whose> as a family. */
function isThrottling(code: string): boolean {
  return code === 'Throttling' || code.startsWith('Throttling.');
}

/**
 * Transient: tried again with backoff.
 * - LastOperationNotFinished: a write while the previous one on the domain is still being applied (several
 *   records written one after another). terraform-provider-alicloud retries AddDomainRecord and
 *   UpdateDomainRecord on it (resource_alicloud_dns_record.go, resource_alicloud_alidns_record.go; its
 *   changelog: "Fixes the LastOperationNotFinished when creating several records one time", #3813).
 * - InternalError (HTTP 500), ServiceUnavailable (HTTP 503): [DNS] server errors.
 * - UnKnownError: [UPDATE] [ADD] "There is an unknown error in system", answered with HTTP 400.
 * Any other answer with HTTP 5xx is the server's trouble too and is retried whatever its code.
 */
export const LAST_OPERATION_CODE = 'LastOperationNotFinished';
const SERVER_TROUBLE_CODES = new Set(['InternalError', 'ServiceUnavailable', 'UnKnownError']);

/**
 * The domain is not (or no longer) in this account; not retried, and the run's other records of the domain
 * are not asked for.
 * - IncorrectDomainUser: [ADD] "The domain name does not belong to this user".
 * - InvalidDomainName.NoExist: what DescribeDomainRecords, DescribeSubDomainRecords and AddDomainRecord
 *   answer today for a domain the account does not hold ("The specified domain name does not exist. Refresh
 *   the page and try again.", quoted in jeessy2/ddns-go#1089 and qdm12/ddns-updater#253).
 * - DomainNotExist: [RESPONSE], Alibaba Cloud DNS's own sample error answer.
 * - DomainNotExists: kept as the maintainer's brief spells it; no Alibaba page found with this spelling, and
 *   it can mean nothing else.
 */
const DOMAIN_GONE_CODES = new Set(['IncorrectDomainUser', 'InvalidDomainName.NoExist', 'DomainNotExist', 'DomainNotExists']);

/** [UPDATE] DomainRecordNotBelongToUser: a stored RecordId the server does not know (any more); looked up again. */
const RECORD_GONE_CODES = new Set(['DomainRecordNotBelongToUser']);

/**
 * Refusals that meet every record of the domain alike; not retried, the run stops.
 * - DomainForbidden, RecordForbidden.BlackHole: [UPDATE] [ADD].
 * - QuotaExceeded.TTL: not in the tables above (they predate DNS editions), but what the API answers for a
 *   TTL below the edition's floor (600 s on the free edition) — kept so the user is told to raise ttl.
 */
const DOMAIN_REFUSED: Readonly<Record<string, string>> = {
  DomainForbidden: 'Alibaba Cloud forbids changes to this domain',
  'RecordForbidden.BlackHole': "the domain's DNS is in black-hole protection (under attack); changes are refused until it ends",
};
const TTL_QUOTA_CODE = 'QuotaExceeded.TTL';

/** Refusals of one record; not retried, said plainly. [UPDATE] [ADD] */
const RECORD_REFUSED: Readonly<Record<string, string>> = {
  DomainRecordLocked: 'the record is locked in the Alibaba Cloud DNS console',
  DomainRecordConflict: 'the record conflicts with another record of this name (for example a CNAME beside an A record)',
  'QuotaExceeded.Record': 'the edition allows no more records of this name, type and line',
  'QuotaExceeded.ARecord': 'the edition allows no more A/AAAA records of this name and line',
};

export function isRecordGone(err: DdnsError): boolean {
  return err.providerCode !== undefined && RECORD_GONE_CODES.has(err.providerCode);
}

export function isDomainGone(err: DdnsError): boolean {
  return err.providerCode !== undefined && DOMAIN_GONE_CODES.has(err.providerCode);
}

/** The answer will be the same for every record of the domain: asking for the others only costs requests. */
export function stopsDomain(err: DdnsError): boolean {
  const code = err.providerCode;
  return code !== undefined && (DOMAIN_GONE_CODES.has(code) || code in DOMAIN_REFUSED || code === TTL_QUOTA_CODE);
}

// ---- turning an answer into a DdnsError -------------------------------------------------------------

export interface ErrorContext {
  action: string;
  params: Readonly<Record<string, string | number | boolean | undefined>>;
  status: number;
  body: AlidnsErrorBody;
  /** every value of the request that must not be shown (AccessKey ID, secret, signature, nonce) in its forms */
  secrets: readonly string[];
}

// Alibaba's codes are dotted words (Throttling.User); request ids are UUIDs
const CODE_SHAPE = /^[A-Za-z][A-Za-z0-9_.-]{0,79}$/;
const REQUEST_ID_SHAPE = /^[A-Za-z0-9-]{1,64}$/;

function authMessage(code: string): string {
  switch (code) {
    case 'InvalidAccessKeyId.NotFound':
      return 'the AccessKey ID does not exist';
    case 'InvalidAccessKeyId.Inactive':
      return 'the AccessKey is disabled';
    case 'SignatureDoesNotMatch':
      return 'the AccessKey secret does not match the AccessKey ID (signature refused)';
    default:
      return 'the request signature was refused as incomplete';
  }
}

function forbiddenMessage(code: string, action: string): string {
  switch (code) {
    case 'Forbidden.UserVerification':
      return 'the Alibaba Cloud account has not completed real-name verification';
    case 'Forbidden.RiskControl':
      return "the request was refused by Alibaba Cloud's risk control";
    default:
      return `this AccessKey may not call alidns:${action}; grant its RAM user a policy that allows alidns:${action} (for example AliyunDNSFullAccess)`;
  }
}

/** Turns one error answer into the DdnsError a flow sees: our words, the code, and at most a short, masked excerpt of the server's. */
export function errorFromResponse(ctx: ErrorContext): DdnsError {
  const code = serverToken(ctx.body.Code, CODE_SHAPE, ctx.secrets);
  const requestId = serverToken(ctx.body.RequestId, REQUEST_ID_SHAPE, ctx.secrets);
  const excerpt = serverTextExcerpt(ctx.body.Message, ctx.secrets);
  const options = {
    statusCode: ctx.status,
    ...(code ? { providerCode: code } : {}),
    ...(requestId ? { requestId } : {}),
  };
  const tag = code ? ` (${code})` : '';
  const said =
    excerpt === WITHHELD
      ? "; the server's message is not shown: it quoted the request's credentials"
      : excerpt
        ? `; the server said: ${excerpt}`
        : '';
  const make = (errorCode: ErrorCode, message: string, retryable = false) =>
    new DdnsError(errorCode, `Alibaba Cloud DNS ${ctx.action}: ${message}${said}`, { ...options, retryable });

  if (code && AUTH_CODES.has(code)) {
    return make('EAUTH', `${authMessage(code)}${tag}; check the account's AccessKey pair`);
  }
  if (code && isForbidden(code)) {
    return make('EFORBIDDEN', `${forbiddenMessage(code, ctx.action)}${tag}`);
  }
  if (code && isThrottling(code)) {
    return make('ETHROTTLED', `request rate limit reached${tag}`, true);
  }
  if (code === LAST_OPERATION_CODE) {
    return make('EWAIT', `the previous change to this domain is still being applied${tag}`, true);
  }
  if (code === CLOCK_SKEW_CODE) {
    return make(
      'EPROVIDER',
      `request time refused${tag}: this machine's clock differs from Alibaba Cloud's by more than 15 minutes ` +
        `and could not be corrected from the server's Date header; set the system clock (NTP)`,
    );
  }
  if (code === NONCE_USED_CODE) {
    return make('EPROVIDER', `request refused as a replay${tag} twice in a row`);
  }
  if (code && DOMAIN_GONE_CODES.has(code)) {
    const domain = ctx.params.DomainName === undefined ? 'the domain' : `domain ${String(ctx.params.DomainName)}`;
    return make('ENOTFOUND', `${domain} is not in this Alibaba Cloud account${tag}; add it to Alibaba Cloud DNS or use the account that holds it`);
  }
  if (code && RECORD_GONE_CODES.has(code)) {
    const record = ctx.params.RecordId === undefined ? 'the record' : `record ${String(ctx.params.RecordId)}`;
    return make('ENOTFOUND', `${record} does not exist in this account${tag}`);
  }
  if (code === TTL_QUOTA_CODE) {
    const ttl = ctx.params.TTL === undefined ? 'the requested TTL' : `TTL ${String(ctx.params.TTL)}`;
    return make('EPROVIDER', `${ttl} is below the minimum this domain's Alibaba Cloud DNS edition allows${tag} (600 s on the free edition); raise ttl`);
  }
  if (code && code in DOMAIN_REFUSED) return make('EPROVIDER', `${DOMAIN_REFUSED[code]}${tag}`);
  if (code && code in RECORD_REFUSED) return make('EPROVIDER', `${RECORD_REFUSED[code]}${tag}`);
  // the server's trouble, not the request's: whatever the code, a 5xx is worth another try
  if (ctx.status >= 500 || (code && SERVER_TROUBLE_CODES.has(code))) {
    return make('EHTTPSTATUS', `server error HTTP ${ctx.status}${tag}`, true);
  }
  if (!code) {
    return make('EHTTPSTATUS', `HTTP ${ctx.status} without an Alibaba error code`, ctx.status === 429);
  }
  return make('EPROVIDER', `request refused${tag}`);
}
