/**
 * Namespace-agnostic string scans over SOAP requests: the few facts the simulated
 * devices need (the operation and the UsernameToken fields). Written by hand because
 * the device server is on the benchmark's hot path, where a full XML parse per
 * request costs 100× more than these scans (see test/fixtures/onvif/NOTES.md §8, item 5).
 */

export interface ElementSpan {
  /** Index of '<'. */
  start: number;
  /** Index just past the start tag's '>'. */
  contentStart: number;
  selfClosing: boolean;
}

function isNameChar(c: number): boolean {
  // letters, digits, '-', '_', '.'
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c === 46;
}

/** Finds the first start tag whose local name is `localName`, whatever its prefix. */
export function findElement(xml: string, localName: string, from = 0): ElementSpan | null {
  let i = xml.indexOf(localName, from);
  while (i !== -1) {
    const after = xml.charCodeAt(i + localName.length);
    // the name must end here: '>', '/', or whitespace
    if (after === 62 || after === 47 || after === 32 || after === 9 || after === 10 || after === 13) {
      let j = i - 1;
      if (xml.charCodeAt(j) === 58 /* ':' */) {
        j--;
        while (j >= 0 && isNameChar(xml.charCodeAt(j))) j--;
      }
      if (j >= 0 && xml.charCodeAt(j) === 60 /* '<' */) {
        const end = xml.indexOf('>', i);
        if (end === -1) return null;
        return { start: j, contentStart: end + 1, selfClosing: xml.charCodeAt(end - 1) === 47 };
      }
    }
    i = xml.indexOf(localName, i + localName.length);
  }
  return null;
}

const ENTITY = /&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

export function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (_, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

/** Trimmed, unescaped text of the first element with this local name; null if absent. */
export function elementText(xml: string, localName: string, from = 0): string | null {
  const el = findElement(xml, localName, from);
  if (el === null) return null;
  if (el.selfClosing) return '';
  const end = xml.indexOf('<', el.contentStart);
  if (end === -1) return null;
  return unescapeXml(xml.slice(el.contentStart, end).trim());
}

/** Local name of the first element inside the SOAP Body: the operation asked for. */
export function soapOperation(xml: string): string | null {
  const body = findElement(xml, 'Body');
  if (body === null || body.selfClosing) return null;
  let i = body.contentStart;
  for (;;) {
    i = xml.indexOf('<', i);
    if (i === -1) return null;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end === -1) return null;
      i = end + 3;
      continue;
    }
    if (xml.charCodeAt(i + 1) === 47 /* '/' */) return null; // empty Body
    let j = i + 1;
    let nameStart = j;
    while (j < xml.length) {
      const c = xml.charCodeAt(j);
      if (c === 58) nameStart = j + 1;
      else if (!isNameChar(c)) break;
      j++;
    }
    return j > nameStart ? xml.slice(nameStart, j) : null;
  }
}
