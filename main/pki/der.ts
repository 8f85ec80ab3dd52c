/**
 * Minimal DER reading and writing: enough to pull certificates out of a PKCS#7 bundle byte
 * for byte. Re-encoding a parsed certificate can change its bytes and break its signature,
 * so certificates are always sliced, never rebuilt.
 */

/** One DER element: its tag byte and the offsets of its header, content and end. */
export interface DerElement {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** Reads the element that starts at `offset`, checking that it fits inside `limit`. */
export function readElement(der: Uint8Array, offset: number, limit = der.length): DerElement {
  if (offset + 2 > limit) throw new Error(`truncated DER element at byte ${offset}`);

  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error(`unsupported multi-byte DER tag at byte ${offset}`);

  const first = der[offset + 1]!;
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error(`unsupported DER length at byte ${offset}`);
    if (contentStart + count > limit) throw new Error(`truncated DER length at byte ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }

  const end = contentStart + length;
  if (end > limit) throw new Error(`DER element at byte ${offset} runs past its container`);
  return { tag, start: offset, contentStart, end };
}

/** Lists the elements directly inside a constructed element. */
export function readChildren(der: Uint8Array, parent: DerElement): DerElement[] {
  const children: DerElement[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readElement(der, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** Encodes one element from its tag and content. */
export function encodeElement(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);

  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
