/**
 * Reading one possibly compressed domain name from a DNS message (RFC 1035
 * section 4.1.4), for both codecs that read answers: the address sources'
 * (sources/dns-wire.ts) and RFC 2136's (providers/rfc2136/wire.ts). A hostile
 * message cannot loop it or make it read outside the buffer: a pointer must
 * point before itself, at most `maxJumps` are followed, and the 255-byte name
 * limit bounds the rest. Each codec turns the labels into text its own way and
 * the failure into its own error.
 */

export const MAX_NAME_BYTES = 255;

/** Why a name could not be read, in words that follow "the name …". */
export type NameProblem =
  | 'runs past the end of the message'
  | 'has a cut-off compression pointer'
  | 'has a compression pointer that does not point backwards'
  | 'has a compression pointer loop'
  | 'uses an unsupported label type'
  | 'is longer than 255 bytes';

/** The labels' bytes (views into `buf`) and where the field after the name starts; a NameProblem string when it cannot be read. */
export function readNameLabels(buf: Buffer, start: number, maxJumps: number): { labels: Buffer[]; end: number } | NameProblem {
  const labels: Buffer[] = [];
  let pos = start;
  let end = -1;
  let wireLength = 1;
  let jumps = 0;
  for (;;) {
    if (pos >= buf.length) return 'runs past the end of the message';
    const length = buf[pos];
    const kind = length & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) return 'has a cut-off compression pointer';
      const target = ((length & 0x3f) << 8) | buf[pos + 1];
      if (target >= pos) return 'has a compression pointer that does not point backwards';
      if (++jumps > maxJumps) return 'has a compression pointer loop';
      if (end < 0) end = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) return 'uses an unsupported label type';
    if (length === 0) {
      if (end < 0) end = pos + 1;
      return { labels, end };
    }
    if (pos + 1 + length > buf.length) return 'runs past the end of the message';
    wireLength += length + 1;
    if (wireLength > MAX_NAME_BYTES) return 'is longer than 255 bytes';
    labels.push(buf.subarray(pos + 1, pos + 1 + length));
    pos += 1 + length;
  }
}
