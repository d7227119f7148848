/**
 * What Alibaba Cloud's error answers mean for us. The gateway answers
 * `{"Code", "Message", "RequestId", "HostId", "Recommend"}` with an HTTP status
 * that is often 400 even for throttling, so the decision goes by `Code` first
 * and by status only when the code says nothing.
 */
import { DdnsError, type ErrorCode } from '../../core/errors';

export interface AlidnsErrorBody {
  Code?: string;
  Message?: string;
  RequestId?: string;
}

/** Codes the client handles itself (once) before they become an error. */
export const CLOCK_SKEW_CODE = 'InvalidTimeStamp.Expired';
export const NONCE_USED_CODE = 'SignatureNonceUsed';
/** UpdateDomainRecord/AddDomainRecord: the record is already exactly like that. */
export const DUPLICATE_RECORD_CODE = 'DomainRecordDuplicate';

const AUTH_CODES = new Set([
  'InvalidAccessKeyId.NotFound',
  'InvalidAccessKeyId.Inactive',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidSecurityToken.Expired',
  'InvalidSecurityToken.MismatchWithAccessKey',
]);

/** A stored RecordId the server does not know (any more). */
const RECORD_GONE_CODES = new Set(['DomainRecordNotBelongToUser', 'InvalidRR.NoExist', 'InvalidRecordId.NotFound', 'RecordNotExists']);

/** The domain is not in this account (or does not exist at all). */
const DOMAIN_GONE_CODES = new Set(['IncorrectDomainUser', 'InvalidDomainName.NoExist', 'DomainNotFound']);

export function isRecordGone(err: DdnsError): boolean {
  return err.providerCode !== undefined && RECORD_GONE_CODES.has(err.providerCode);
}

export function isDomainGone(err: DdnsError): boolean {
  return err.providerCode !== undefined && DOMAIN_GONE_CODES.has(err.providerCode);
}

export interface ErrorContext {
  action: string;
  params: Readonly<Record<string, string | number | boolean | undefined>>;
  status: number;
  body: AlidnsErrorBody;
  /** removes anything secret from text the server wrote */
  redact: (text: string) => string;
}

function authMessage(code: string): string {
  switch (code) {
    case 'InvalidAccessKeyId.NotFound':
    case 'InvalidAccessKeyId':
      return 'the AccessKey ID does not exist';
    case 'InvalidAccessKeyId.Inactive':
      return 'the AccessKey is disabled';
    case 'SignatureDoesNotMatch':
      return 'the AccessKey secret does not match the AccessKey ID (signature refused)';
    case 'IncompleteSignature':
      return 'the request signature was refused as incomplete';
    default:
      return 'the security token was refused';
  }
}

/** Turns one error answer into the DdnsError a flow sees. */
export function errorFromResponse(ctx: ErrorContext): DdnsError {
  const code = typeof ctx.body.Code === 'string' && ctx.body.Code !== '' ? ctx.body.Code : undefined;
  const serverText = ctx.body.Message ? ctx.redact(String(ctx.body.Message)).slice(0, 300) : '';
  const options = {
    statusCode: ctx.status,
    ...(code ? { providerCode: code } : {}),
    ...(typeof ctx.body.RequestId === 'string' ? { requestId: ctx.body.RequestId } : {}),
  };
  const make = (errorCode: ErrorCode, message: string, retryable = false) =>
    new DdnsError(errorCode, `Alibaba Cloud DNS ${ctx.action}: ${message}`, { ...options, retryable });
  const tag = code ? ` (${code})` : '';
  const detail = serverText ? `: ${serverText}` : '';

  if (code && AUTH_CODES.has(code)) {
    return make('EAUTH', `${authMessage(code)}${tag}; check the account's AccessKey pair`);
  }
  if (code && (code.startsWith('Forbidden') || code.startsWith('NoPermission'))) {
    return make(
      'EFORBIDDEN',
      `this AccessKey may not call alidns:${ctx.action}${tag}; grant its RAM user a policy that allows alidns:${ctx.action} ` +
        `(for example AliyunDNSFullAccess)`,
    );
  }
  if (code && code.startsWith('Throttling')) {
    return make('ETHROTTLED', `request rate limit reached${tag}`, true);
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
  if (code === 'QuotaExceeded.TTL' || code === 'InvalidTTL' || code === 'TTLInvalid') {
    const ttl = ctx.params.TTL === undefined ? 'the requested TTL' : `TTL ${String(ctx.params.TTL)}`;
    return make(
      'EPROVIDER',
      `${ttl} is below the minimum this domain's Alibaba Cloud DNS edition allows${tag} (600 s on the free edition); raise ttl`,
    );
  }
  if (code && DOMAIN_GONE_CODES.has(code)) {
    const domain = ctx.params.DomainName === undefined ? 'the domain' : `domain ${String(ctx.params.DomainName)}`;
    return make('ENOTFOUND', `${domain} is not in this Alibaba Cloud account${tag}; add it to Alibaba Cloud DNS or use the account that holds it`);
  }
  if (code && RECORD_GONE_CODES.has(code)) {
    const record = ctx.params.RecordId === undefined ? 'the record' : `record ${String(ctx.params.RecordId)}`;
    return make('ENOTFOUND', `${record} does not exist in this account${tag}`);
  }
  // 5xx (InternalError, ServiceUnavailable, a proxy's Bad Gateway) is the server's trouble, not the request's
  if (ctx.status >= 500 || code === 'InternalError' || code === 'UnknownError' || code === 'ServiceUnavailable') {
    return make('EHTTPSTATUS', `server error HTTP ${ctx.status}${tag}${detail}`, true);
  }
  if (!code) {
    return make('EHTTPSTATUS', `HTTP ${ctx.status} without an Alibaba error code`, ctx.status === 429);
  }
  return make('EPROVIDER', `request refused${tag}${detail}`);
}
