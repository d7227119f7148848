/**
 * Runtime texts shared by every node of the package (status words, error
 * words), from one runtime catalog: the DDNS sidebar plugin's
 * (nodes/locales/<lang>/ddns-sidebar.json, key `runtime`), so a Node-RED
 * running in zh-CN shows Chinese statuses and a new provider adds no text of
 * its own for what all updaters say. A text is looked up once for each key and
 * set of values, not on every check: an unchanged check shows the same words,
 * and asking i18next again for them cost a tenth of a millisecond each time.
 * Reasons (why something failed) are catalog keys carried by the error or the
 * result (`runtime.reason.<key>`, a shorter `runtime.short.<key>` for a
 * status), rendered here; one without a key is shown in its English words.
 */
import type { NodeAPI } from 'node-red';
import type { ErrorCode, ResultReason } from '../../core/errors';
import { PACKAGE_NAME } from './package-info';

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

const NAMESPACE = `${PACKAGE_NAME}/ddns-sidebar:runtime.`;

/** texts remembered per translator; past this, the oldest half is forgotten (values such as times keep coming) */
const CACHE_SIZE = 512;

/** A key and its values as one map key (JSON escapes \u0000, which no catalog key holds, so no two collide). */
function cacheKey(key: string, vars: Record<string, string | number> | undefined): string {
  return vars ? `${key}\u0000${JSON.stringify(vars)}` : key;
}

export function sharedTexts(RED: Pick<NodeAPI, '_'>): Translate {
  const cache = new Map<string, string>();
  const translate: Translate = (key, vars) => {
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
  runtimeTranslate = translate;
  return translate;
}

/** The few words a status says for an error code; the code itself travels in msg.error. */
export function errorWords(t: Translate, code: ErrorCode | string | undefined): string {
  return t(`error.${code ?? 'EPROVIDER'}`);
}

/**
 * The runtime's translator for code that has no node at hand (the sidebar's
 * board, the error a node hands to done()): Node-RED has one catalog per
 * process, so the last translator made is the one every node would be given.
 * Until a node file has made one, reasons stay in English.
 */
let runtimeTranslate: Translate | undefined;

export function runtimeTexts(): Translate | undefined {
  return runtimeTranslate;
}

/** A text of the catalog, or undefined when the catalog has none (RED._ then answers with the key). */
function lookup(t: Translate, key: string, vars?: Record<string, string | number>): string | undefined {
  const text = t(key, vars);
  if (!text || text === key || text === `runtime.${key}` || text === NAMESPACE + key || text.endsWith(`:runtime.${key}`)) return undefined;
  return text;
}

/** Anything that says why: a DdnsError, a record's result (its `reason`), a board's note. */
export interface Explained {
  message: string;
  key?: string;
  params?: Readonly<Record<string, string | number>>;
  at?: string;
  /** a reason this one wraps, put in as its `__reason__` */
  inner?: Explained;
}

function valuesOf(t: Translate, reason: Explained, short: boolean): Record<string, string | number> | undefined {
  if (!reason.params && !reason.inner) return undefined;
  return { ...reason.params, ...(reason.inner ? { reason: reasonText(t, reason.inner, short) } : {}) };
}

/**
 * The reason in the runtime's language: the catalog's text for its key (with
 * the place it concerns before it), or the English message where there is no
 * key or no text for it. `short`: the form that fits a node's status, where
 * the catalog has one (`runtime.short.<key>`); the sidebar shows the whole.
 */
export function reasonText(t: Translate | undefined, reason: Explained, short = false): string {
  if (!t || !reason.key) return reason.message;
  const vars = valuesOf(t, reason, short);
  const text = (short ? lookup(t, `short.${reason.key}`, vars) : undefined) ?? lookup(t, `reason.${reason.key}`, vars);
  if (text === undefined) return reason.message;
  return reason.at && !short ? `${reason.at}: ${text}` : text;
}

/** The catalog's short form of a reason (one that names its cause in a status), or undefined where it has none. */
export function shortText(t: Translate | undefined, reason: Explained): string | undefined {
  return t && reason.key ? lookup(t, `short.${reason.key}`, valuesOf(t, reason, true)) : undefined;
}

/** A record's result as something that says why (its catalog key, when it has one). */
export function resultReason(result: { message?: string; reason?: ResultReason }): Explained {
  return { message: result.message ?? '', ...(result.reason ?? {}) };
}
