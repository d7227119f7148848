/**
 * "Check now" in the ip-source edit dialog: `POST /ddns/ip-source/check` with
 * the settings in the form answers what each origin yields right now, before
 * anything is deployed. It makes outbound lookups, so it needs ip-source.write
 * and takes JSON only (a cross-site form cannot send it). The answer carries the
 * addresses found and, per failure, a code and a few facts the editor puts in
 * words (in the editor's language): never a response body or a fault string.
 */
import type { NodeAPI } from 'node-red';
import { toDdnsError, type DdnsError } from '../../core/errors';
import { reasonText, runtimeTexts } from '../shared/texts';
import { requireJson } from '../shared/record-board';
import type { IpSourceConfig } from '../../sources/settings';

export interface OriginReport {
  origin: string;
  family: 'ipv4' | 'ipv6' | 'any';
  address?: string;
  addresses?: string[];
  /** `reason`: the system's or server's short word (ENOTFOUND, HTTP 503); `host`: whom it concerns */
  error?: { code: string; reason?: string; host?: string };
}

const SYSTEM_CODE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|CERT_[A-Z_]+|ERR_TLS_[A-Z_]+|UNABLE_TO_[A-Z_]+|SELF_SIGNED_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|HTTP \d{3}|NXDOMAIN|SERVFAIL|REFUSED)\b/;

function hostOf(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.hostname || undefined;
  } catch {
    return undefined;
  }
}

function shortError(err: DdnsError, origin: string): NonNullable<OriginReport['error']> {
  const out: NonNullable<OriginReport['error']> = { code: err.code };
  const reason = SYSTEM_CODE.exec(err.message)?.[1];
  if (reason) out.reason = reason;
  const host = hostOf(origin);
  if (host) out.host = host.slice(0, 253);
  return out;
}

const NO_SUCH_FAMILY = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL']);

/** An IPv6 attempt that failed only because the origin has no IPv6 (while IPv4 worked) is not worth a line. */
function onlyOtherFamily(report: OriginReport, all: OriginReport[]): boolean {
  if (report.family !== 'ipv6' || !report.error) return false;
  const v4 = all.find((r) => r.origin === report.origin && r.family === 'ipv4');
  if (!v4?.address) return false;
  return report.error.code === 'ENOADDR' || NO_SUCH_FAMILY.has(report.error.reason ?? '');
}

export async function checkOrigins(config: IpSourceConfig): Promise<OriginReport[]> {
  const { parseIpSourceConfig } = await import('../../sources/settings');
  const { addressesFromOrigin, withSuffix } = await import('../../sources/lookup');
  const settings = parseIpSourceConfig(config ?? {});
  const families = settings.family === 'dual' ? (['ipv4', 'ipv6'] as const) : [settings.family];
  const signal = AbortSignal.timeout(settings.lookup.timeoutMs + 1000);
  const jobs = settings.lookup.origins.flatMap((origin) =>
    families.map(async (family): Promise<OriginReport> => {
      try {
        const found = withSuffix(await addressesFromOrigin(origin, settings.lookup, family, signal), settings.lookup);
        return { origin: origin.text, family, address: found.address, addresses: found.addresses.slice(0, 16) };
      } catch (err) {
        return { origin: origin.text, family, error: shortError(toDdnsError(err), origin.text) };
      }
    }),
  );
  const reports = await Promise.all(jobs);
  return reports.filter((report) => !onlyOtherFamily(report, reports));
}

export function installCheckRoute(RED: NodeAPI): void {
  RED.httpAdmin.post('/ddns/ip-source/check', RED.auth.needsPermission('ip-source.write'), requireJson, (req, res) => {
    void checkOrigins(req.body as IpSourceConfig).then(
      (report) => res.json(report),
      (err) => {
        const e = toDdnsError(err);
        // a configuration error is the user's own text, shown so they can fix it
        // in the runtime's words where the error has a catalog key
        res.status(400).json({ error: { code: e.code, message: e.code === 'ECONFIG' ? reasonText(runtimeTexts(), e).slice(0, 300) : e.code } });
      },
    );
  });
}
