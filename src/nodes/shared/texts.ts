/**
 * Runtime texts shared by every node of the package (status words, error
 * words), from one runtime catalog: the DDNS sidebar plugin's
 * (nodes/locales/<lang>/ddns-sidebar.json, key `runtime`), so a Node-RED
 * running in zh-CN shows Chinese statuses and a new provider adds no text of
 * its own for what all updaters say. A text is looked up once for each key and
 * set of values, not on every check: an unchanged check shows the same words,
 * and asking i18next again for them cost a tenth of a millisecond each time.
 */
import type { NodeAPI } from 'node-red';
import type { ErrorCode } from '../../core/errors';
import { PACKAGE_NAME } from './package-info';

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

const NAMESPACE = `${PACKAGE_NAME}/ddns-sidebar:runtime.`;

/** texts remembered per translator; past this, the oldest half is forgotten (values such as times keep coming) */
const CACHE_SIZE = 512;

/** A key and its values as one map key (JSON escapes \u0000, which no catalog key holds, so no two collide). */
function cacheKey(key: string, vars: Record<string, string | number> | undefined): string {
  return vars ? `${key}\u0000${JSON.stringify(vars)}` : key;
}

export function sharedTexts(RED: NodeAPI): Translate {
  const cache = new Map<string, string>();
  return (key, vars) => {
    const at = cacheKey(key, vars);
    let text = cache.get(at);
    if (text === undefined) {
      text = vars ? RED._(NAMESPACE + key, vars) : RED._(NAMESPACE + key);
      if (cache.size >= CACHE_SIZE) {
        let drop = CACHE_SIZE / 2;
        for (const old of cache.keys()) {
          cache.delete(old);
          if (--drop === 0) break;
        }
      }
      cache.set(at, text);
    }
    return text;
  };
}

/** The few words a status says for an error code; the code itself travels in msg.error. */
export function errorWords(t: Translate, code: ErrorCode | string | undefined): string {
  return t(`error.${code ?? 'EPROVIDER'}`);
}
