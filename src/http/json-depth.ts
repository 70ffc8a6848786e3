/**
 * A JSON body's nesting depth, measured on the raw bytes before JSON.parse sees
 * them: a 400,000-level array is refused in one linear scan instead of being
 * parsed into 400,000 nested arrays (and then walked by the validator).
 */

/** No camnet body nests deeper than a few levels; 32 leaves room for any client. */
export const JSON_DEPTH_LIMIT = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

/**
 * The first byte offset where `limit` is exceeded, or -1. Brackets inside strings
 * do not count; an escaped quote does not end a string. Malformed JSON is left to
 * the parser, which reports it.
 */
export function jsonDepthExceededAt(buf: Uint8Array, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (OPEN.has(b)) {
      if (++depth > limit) return i;
    } else if (CLOSE.has(b)) depth--;
  }
  return -1;
}

/** body-parser's `verify` hook: a body nested deeper than `limit` is a 400 before it is parsed. */
export function refuseDeepJson(limit = JSON_DEPTH_LIMIT) {
  return (_req: unknown, _res: unknown, buf: Buffer): void => {
    const at = jsonDepthExceededAt(buf, limit);
    if (at >= 0) {
      throw Object.assign(new Error(`request body nests deeper than ${limit} levels (at byte ${at}); camnet's bodies are flat objects`), {
        status: 400,
        type: 'entity.too.deep',
      });
    }
  };
}
