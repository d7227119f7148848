/**
 * The two messages this provider sends, unsigned (tsig.ts signs them):
 *
 * - an UPDATE (RFC 2136 §2) for one zone that replaces, for each name and
 *   type, the whole RRset by one record: "delete an RRset" (§2.5.2: class ANY,
 *   TTL 0, no data) followed by "add to an RRset" (§2.5.1), in one message so
 *   the server applies both or neither (RFC 2136's abstract: "UPDATE is atomic"). No
 *   prerequisites: the replacement is right whatever the RRset held. This is
 *   what ddclient's nsupdate protocol sends (`update delete NAME A` then
 *   `update add NAME TTL A ADDRESS`, ddclient's nic_nsupdate_update);
 * - a QUERY for one name and type (zone discovery asks for SOA, the daily check
 *   for A or AAAA), without RD, as nsupdate asks its SOA queries: the server is
 *   asked as the zone's authority, never as a resolver.
 */
import { CLASS, MessageWriter, OPCODE, TYPE, addressBytes, type AddressType } from './wire';

export interface Replacement {
  name: string;
  type: AddressType;
  value: string;
  ttl: number;
}

export function buildUpdate(id: number, zone: string, replacements: readonly Replacement[]): Buffer {
  const w = new MessageWriter().header({ id, opcode: OPCODE.UPDATE, qdcount: 1, ancount: 0, nscount: replacements.length * 2, arcount: 0 });
  // zone section (§2.3): the zone's name, type SOA
  w.name(zone).u16(TYPE.SOA).u16(CLASS.IN);
  for (const r of replacements) {
    const type = TYPE[r.type];
    w.name(r.name).u16(type).u16(CLASS.ANY).u32(0).u16(0);
    const data = addressBytes(r.type, r.value);
    w.name(r.name).u16(type).u16(CLASS.IN).u32(r.ttl).u16(data.length).bytes(data);
  }
  return w.finish();
}

export function buildQuery(id: number, name: string, type: number): Buffer {
  return new MessageWriter().header({ id, opcode: OPCODE.QUERY, qdcount: 1, ancount: 0, nscount: 0, arcount: 0 }).name(name).u16(type).u16(CLASS.IN).finish();
}
