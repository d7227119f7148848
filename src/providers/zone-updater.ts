/**
 * The updater of a zone-based DNS API on the record workflow, as every such
 * provider builds it from the node: names inside the zone (fixed, or with each
 * input), the record type, the TTL in the provider's range (empty = the
 * provider's default, or a record's own) and dry run. A provider hands over
 * only its RecordApi (how to read and write one record).
 */
import { addressTypeSetting } from '../core/jobs';
import type { Ledger } from '../core/ledger';
import type { Provider } from './contract';
import type { UpdaterInput } from './descriptor';
import { createRecordProvider, type RecordApi, type RecordProviderOptions } from './record-provider';
import { optionalTtl, updaterNames } from './targets';

export type TtlRule = { min: number; max: number } | ((value: unknown) => number | undefined);

export function zoneRecordUpdater(
  kind: string,
  input: Pick<UpdaterInput<unknown>, 'settings' | 'fixed' | 'dryRun'>,
  api: RecordApi,
  ttlRule: TtlRule,
  more: Partial<RecordProviderOptions> = {},
): Provider<Ledger> {
  const names = updaterNames(true, input.fixed);
  const ttl = typeof ttlRule === 'function' ? ttlRule(input.settings.ttl) : optionalTtl(input.settings.ttl, ttlRule);
  return createRecordProvider({
    kind,
    api,
    recordType: addressTypeSetting(input.settings.recordType),
    configured: names.configured,
    targets: (i) => names.targets(i),
    ...(ttl !== undefined ? { ttl } : {}),
    dryRun: input.dryRun,
    ...more,
  });
}
