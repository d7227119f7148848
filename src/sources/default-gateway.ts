/**
 * The IPv4 default gateways of this host, from the kernel's route table
 * (Linux: /proc/net/route, which shows the routes of the reader's own network
 * namespace). UPnP discovery takes answers from these hosts only (issue 22.7:
 * another device on the LAN answered the SSDP search first and its "WAN
 * address" was published): the router whose WAN address we want is the one
 * our traffic leaves through.
 *
 * The table's addresses are 32-bit words in the host's byte order, written in
 * hex: 0101A8C0 is 192.168.1.1 on a little-endian machine. A system without the
 * file (not Linux) has no gateway this module can tell; the caller says so.
 */
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';

export const ROUTE_TABLE = '/proc/net/route';

/** route flags (linux/route.h): the route is up, and goes through a gateway */
const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

function hexAddress(word: string, littleEndian: boolean): string | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(word)) return undefined;
  const bytes = [0, 2, 4, 6].map((at) => parseInt(word.slice(at, at + 2), 16));
  return (littleEndian ? bytes.reverse() : bytes).join('.');
}

/**
 * The gateways of the default routes (destination and mask 0.0.0.0, up, via a
 * gateway) in a /proc/net/route text, lowest metric first, each once. A default
 * route without a gateway (a point-to-point link) names no router and is left out.
 */
export function parseRouteTable(text: string, littleEndian = endianness() === 'LE'): string[] {
  const found: Array<{ gateway: string; metric: number }> = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const [, destination, gatewayWord, flagsWord, , , metricWord, mask] = fields;
    const flags = parseInt(flagsWord, 16);
    if (destination !== '00000000' || mask !== '00000000' || (flags & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY)) continue;
    const gateway = hexAddress(gatewayWord, littleEndian);
    if (!gateway || gateway === '0.0.0.0') continue;
    found.push({ gateway, metric: Number(metricWord) || 0 });
  }
  found.sort((a, b) => a.metric - b.metric);
  return [...new Set(found.map((f) => f.gateway))];
}

/** The default gateways the route table at `file` lists; none when it cannot be read. */
export async function readDefaultGateways(file = ROUTE_TABLE): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return parseRouteTable(text);
}
