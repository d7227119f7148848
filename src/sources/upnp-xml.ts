/**
 * A small, safe XML reader for what a UPnP router serves: its device
 * description and its SOAP answers (upnp.ts reads them through it).
 *
 * A scanner, not a parser with a DTD: a DOCTYPE and its internal subset are
 * skipped whole, only the five predefined entities and character references
 * are decoded, nothing external is ever fetched; the body cap in httpRequest
 * bounds its input, nesting is kept to 64 levels and it runs in linear time.
 * Why not the `fast-xml-parser` package (measured in a scratch script): 2.3 MB
 * in 9 packages against none; 4.6 times slower on a 240 KB description (17.6
 * ms against 3.8 ms); and it throws on the broken markup (an unclosed
 * attribute, a run of "<") that a router's firmware may serve and this reader
 * reads past.
 */
export interface XmlElement {
  /** local name, without namespace prefix */
  name: string;
  children: XmlElement[];
  /** the element's own text (entities decoded, CDATA as is), not its descendants' */
  text: string;
}

const MAX_DEPTH = 64;
const ENTITY = /&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|lt|gt|amp|quot|apos);/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref];
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/** Index of the `>` that ends a tag starting at `from`, skipping quoted attribute values; -1 if none. */
function tagEnd(text: string, from: number): number {
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
}

/** End of a `<!DOCTYPE ...>` (with any `[internal subset]`) or other `<!...>` declaration; -1 if none. */
function declarationEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '>') return i;
    if (text[i] === '[') {
      const subsetEnd = text.indexOf(']', i);
      return subsetEnd < 0 ? -1 : text.indexOf('>', subsetEnd);
    }
  }
  return -1;
}

/**
 * Reads XML into a tree of elements, leniently (a stray close tag is ignored,
 * unclosed elements end with the text) and in one pass. Never throws.
 */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const top = stack[stack.length - 1];
    const lt = text.indexOf('<', i);
    const stop = lt < 0 ? n : lt;
    if (stop > i) top.text += decodeEntities(text.slice(i, stop));
    if (lt < 0) break;
    let end: number;
    if (text.startsWith('<!--', lt)) {
      end = text.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      end = text.indexOf(']]>', lt + 9);
      top.text += text.slice(lt + 9, end < 0 ? n : end);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      end = text.indexOf('?>', lt + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (text.startsWith('<!', lt)) {
      // DOCTYPE, ENTITY and friends: skipped whole, never interpreted
      end = declarationEnd(text, lt + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    const closing = text[lt + 1] === '/';
    const nameMatch = /^[A-Za-z_][\w.:-]*/.exec(text.slice(lt + (closing ? 2 : 1), lt + (closing ? 2 : 1) + 256));
    if (!nameMatch) {
      top.text += '<'; // not markup: a stray "<" in text
      i = lt + 1;
      continue;
    }
    end = tagEnd(text, lt + 1);
    if (end < 0) break; // a tag cut off at the end of the text
    i = end + 1;
    const name = localName(nameMatch[0]);
    if (closing) {
      for (let depth = stack.length - 1; depth > 0; depth--) {
        if (stack[depth].name === name) {
          stack.length = depth;
          break;
        }
      }
      continue;
    }
    const element: XmlElement = { name, children: [], text: '' };
    top.children.push(element);
    if (text[end - 1] !== '/' && stack.length < MAX_DEPTH) stack.push(element);
  }
  return root;
}

/** Every element of that local name below `from`, in document order. */
export function descendants(from: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const pending: XmlElement[] = [...from.children].reverse();
  while (pending.length > 0) {
    const element = pending.pop()!;
    if (element.name === name) out.push(element);
    for (let k = element.children.length - 1; k >= 0; k--) pending.push(element.children[k]);
  }
  return out;
}

/** The trimmed text of the first child of that local name. */
export function childText(element: XmlElement, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text.trim();
}
