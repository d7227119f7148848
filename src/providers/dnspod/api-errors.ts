/**
 * What Tencent Cloud API 3.0 error answers mean for the node. The API answers
 * HTTP 200 with `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`
 * (返回结果, https://cloud.tencent.com/document/api/1427/56191); the codes are
 * dotted families, matched here by family as Tencent's tables group them:
 * - common codes (公共错误码, https://cloud.tencent.com/document/api/1427/56192):
 *   AuthFailure.* (InvalidSecretId, SecretIdNotFound, SignatureFailure,
 *   SignatureExpire, InvalidAuthorization, TokenFailure, MFAFailure),
 *   AuthFailure.UnauthorizedOperation and UnauthorizedOperation (the CAM
 *   policy does not allow the action), RequestLimitExceeded and its
 *   RequestLimitExceeded.* kinds (UinLimitExceeded, IPLimitExceeded, ...),
 *   InternalError;
 * - DNSPod's own (DNSPod 错误码, same page; per action in the "可能返回的错误码"
 *   lists of tencentcloud-sdk-go dnspod/v20210323/client.go):
 *   ResourceNotFound.NoDataOfRecord (记录列表为空: DescribeRecordList found
 *   nothing), InvalidParameterValue.DomainNotExists (a domain the account does
 *   not hold), OperationDenied.NoPermissionToOperateDomain (a sub-user kept off
 *   the domain), InvalidParameter.*, FailedOperation.*, LimitExceeded.*,
 *   OperationDenied.*.
 * Tencent sends no Retry-After; throttling is per second (the API pages give
 * each action's limit per second), so the run's own backoff is the pause.
 */
import { DdnsError, type ErrorCode } from '../../core/errors';
import { serverExcerpt } from '../../core/redact';

export const NO_RECORDS = 'ResourceNotFound.NoDataOfRecord';

const family = (code: string, name: string): boolean => code === name || code.startsWith(`${name}.`);

/** The error an answer's `Response.Error` stands for; `where` names the call and record. */
export function apiFailure(code: string, message: string, requestId: string | undefined, where: string, secrets: readonly string[]): DdnsError {
  const said = serverExcerpt(message, secrets);
  const shown = said ? `: ${said}` : '';
  const base = { providerCode: code, ...(requestId ? { requestId } : {}) };
  let kind: ErrorCode = 'EPROVIDER';
  let retryable = false;
  let words = 'DNSPod refused the request';
  if (code === 'AuthFailure.UnauthorizedOperation' || family(code, 'UnauthorizedOperation') || code === 'OperationDenied.NoPermissionToOperateDomain') {
    kind = 'EFORBIDDEN';
    words = 'the key is not allowed to do this (its CAM policy needs the DNSPod record actions)';
  } else if (code === 'AuthFailure.SignatureExpire') {
    kind = 'EAUTH';
    words = 'the signature is out of date: this machine\'s clock is more than 5 minutes off';
  } else if (family(code, 'AuthFailure')) {
    kind = 'EAUTH';
    words = 'Tencent Cloud refused the SecretId/SecretKey';
  } else if (family(code, 'RequestLimitExceeded')) {
    kind = 'ETHROTTLED';
    retryable = true;
    words = 'Tencent Cloud asks to slow down';
  } else if (family(code, 'InternalError')) {
    retryable = true;
    words = 'Tencent Cloud had an internal error';
  } else if (family(code, 'InvalidParameter') || family(code, 'InvalidParameterValue') || family(code, 'MissingParameter')) {
    words = code === 'InvalidParameterValue.DomainNotExists' ? 'the domain is not in this DNSPod account' : 'DNSPod refused a parameter';
  } else if (family(code, 'FailedOperation')) {
    words = 'DNSPod could not do it';
  } else if (family(code, 'LimitExceeded')) {
    words = 'a limit of the DNSPod plan was reached';
  } else if (family(code, 'OperationDenied')) {
    words = 'DNSPod denied the operation';
  } else if (family(code, 'ResourceNotFound')) {
    kind = 'ENOTFOUND';
    words = 'DNSPod does not know it';
  }
  return new DdnsError(kind, `${where}: ${words} (${code})${shown}`, { ...base, retryable });
}
