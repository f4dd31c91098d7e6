/** Byte classes of the exposition grammars, one table lookup per byte. */
export const NAME_START = 1; // [a-zA-Z_:]
export const NAME_CHAR = 2; // [a-zA-Z0-9_:]
export const LABEL_START = 4; // [a-zA-Z_]
export const LABEL_CHAR = 8; // [a-zA-Z0-9_]
/** Bytes that end a text-format value token: `{`, space, tab, newline. */
export const VALUE_END = 16;
/** Bytes that continue a token in error messages: name characters, `+-.` and UTF-8. */
export const WORD = 32;

export const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const set = (from: string, to: string, bits: number) => {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) t[c] |= bits;
  };
  set('a', 'z', NAME_START | NAME_CHAR | LABEL_START | LABEL_CHAR);
  set('A', 'Z', NAME_START | NAME_CHAR | LABEL_START | LABEL_CHAR);
  set('_', '_', NAME_START | NAME_CHAR | LABEL_START | LABEL_CHAR);
  set(':', ':', NAME_START | NAME_CHAR);
  set('0', '9', NAME_CHAR | LABEL_CHAR);
  for (const c of '{ \t\n') t[c.charCodeAt(0)] |= VALUE_END;
  for (let c = 0; c < 256; c++)
    if (t[c] & NAME_CHAR || c >= 0x80 || c === 0x2b || c === 0x2d || c === 0x2e) t[c] |= WORD;
  return t;
})();
