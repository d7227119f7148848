/**
 * A small XML reader for the Route 53 API's answers (REST API 2013-04-01,
 * https://docs.aws.amazon.com/Route53/latest/APIReference/): elements, text,
 * the five predefined entities and character references, CDATA, comments and
 * the declaration. Namespace prefixes are dropped and attributes skipped (the
 * answers carry only `xmlns`). A document type declaration is refused, so no
 * entity can expand. One pass over the text, each character looked at a
 * bounded number of times, with the size and the nesting capped before any
 * tree grows past them: an answer cannot stall the event loop or the memory.
 */
import { DdnsError } from '../../core/errors';

/** A page of record sets is a few KB; a quarter megabyte is no Route 53 answer. */
export const XML_MAX_BYTES = 256 * 1024;
export const XML_MAX_DEPTH = 32;

export interface XmlElement {
  /** local name, without a namespace prefix */
  name: string;
  children: XmlElement[];
  /** the element's own text (entities decoded), outside its children */
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return codePoint(parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith('#')) return codePoint(parseInt(ref.slice(1), 10), whole);
    return ENTITIES[ref] ?? whole;
  });
}

function codePoint(n: number, fallback: string): string {
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : fallback;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon >= 0 ? qualified.slice(colon + 1) : qualified;
}

function bad(why: string): DdnsError {
  return new DdnsError('EBADRESPONSE', `the answer is not XML Route 53 sends: ${why}`);
}

/** The document's root element; EBADRESPONSE when the text is not well-formed enough, too big or too deep. */
export function parseXml(text: string): XmlElement {
  if (Buffer.byteLength(text, 'utf8') > XML_MAX_BYTES) throw new DdnsError('ETOOLARGE', `the answer is larger than ${XML_MAX_BYTES / 1024} KiB, not a Route 53 answer`);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk !== '') {
      const top = stack[stack.length - 1];
      if (top) top.text += decodeText(chunk);
      else if (chunk.trim() !== '') throw bad('text outside the root element');
    }
    if (lt < 0) break;
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) throw bad('an unclosed declaration');
      i = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) throw bad('an unclosed comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) throw bad('an unclosed CDATA section');
      const top = stack[stack.length - 1];
      if (!top) throw bad('CDATA outside the root element');
      top.text += text.slice(lt + 9, end);
      i = end + 3;
    } else if (text.startsWith('<!', lt)) {
      throw bad('a document type declaration');
    } else if (text.startsWith('</', lt)) {
      const end = text.indexOf('>', lt + 2);
      if (end < 0) throw bad('an unclosed end tag');
      const name = localName(text.slice(lt + 2, end).trim());
      const open = stack.pop();
      if (!open || open.name !== name) throw bad(`</${name.slice(0, 40)}> closes nothing open`);
      i = end + 1;
    } else {
      // a start tag: scanned by hand, since a quoted attribute value may hold `>`
      let j = lt + 1;
      let quote = 0;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (quote) {
          if (c === quote) quote = 0;
        } else if (c === 0x22 || c === 0x27) quote = c;
        else if (c === 0x3e) break;
      }
      if (j >= n) throw bad('an unclosed start tag');
      const selfClosing = text.charCodeAt(j - 1) === 0x2f;
      const inner = text.slice(lt + 1, selfClosing ? j - 1 : j);
      const m = /^([A-Za-z_][\w.:-]*)/.exec(inner);
      if (!m) throw bad('a tag without a name');
      const element: XmlElement = { name: localName(m[1]!), children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) throw bad('a second root element');
      else root = element;
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > XML_MAX_DEPTH) throw bad(`nested deeper than ${XML_MAX_DEPTH} levels`);
      }
      i = j + 1;
    }
  }
  if (!root) throw bad('no root element');
  if (stack.length > 0) throw bad(`<${stack[stack.length - 1]!.name.slice(0, 40)}> is not closed`);
  return root;
}

/** The first child named `name`. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** Every child named `name`. */
export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

/** The trimmed text at a path of child names; undefined when a step is missing. */
export function textAt(element: XmlElement | undefined, ...path: string[]): string | undefined {
  let at = element;
  for (const name of path) at = child(at, name);
  return at ? at.text.trim() : undefined;
}
