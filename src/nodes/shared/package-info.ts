import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** This package's version, for User-Agent headers (dist/nodes/shared -> package root). */
export const PACKAGE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
