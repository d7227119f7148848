import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const manifest: { name?: string; version?: string } = (() => {
  try {
    // dist/nodes/shared -> package root
    return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
  } catch {
    return {};
  }
})();

/** This package's version, for User-Agent headers. */
export const PACKAGE_VERSION: string = manifest.version ?? '0.0.0';
/** The module name Node-RED registered the package under: the namespace of its message catalogs. */
export const PACKAGE_NAME: string = manifest.name ?? 'node-red-contrib-ddns';
