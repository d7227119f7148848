/**
 * Runtime texts shared by every node of the package (status words, error
 * words), from one runtime catalog: the DDNS sidebar plugin's
 * (nodes/locales/<lang>/ddns-sidebar.json, key `runtime`), so a Node-RED
 * running in zh-CN shows Chinese statuses and a new provider adds no text of
 * its own for what all updaters say. Texts without placeholders are looked up
 * once, not on every check.
 */
import type { NodeAPI } from 'node-red';
import type { ErrorCode } from '../../core/errors';
import { PACKAGE_NAME } from './package-info';

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

const NAMESPACE = `${PACKAGE_NAME}/ddns-sidebar:runtime.`;

export function sharedTexts(RED: NodeAPI): Translate {
  const cache = new Map<string, string>();
  return (key, vars) => {
    if (vars) return RED._(NAMESPACE + key, vars);
    let text = cache.get(key);
    if (text === undefined) {
      text = RED._(NAMESPACE + key);
      cache.set(key, text);
    }
    return text;
  };
}

/** The few words a status says for an error code; the code itself travels in msg.error. */
export function errorWords(t: Translate, code: ErrorCode | string | undefined): string {
  return t(`error.${code ?? 'EPROVIDER'}`);
}
