import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/** Finds the 1-based line of a field path, or of its closest parent that exists in the file. */
export type LineLocator = (path: readonly PropertyKey[]) => number | undefined;

/**
 * Creates a locator over a parsed YAML or JSON document. A path that ends in a field name
 * points at the line of that name, so `port: "443"` and an unknown field are both found
 * where the reader typed them.
 */
export function createLineLocator(document: Document, lineCounter: LineCounter): LineLocator {
  const lineOf = (node: unknown): number | undefined => {
    if (!isNode(node) || node.range === undefined || node.range === null) return undefined;
    return lineCounter.linePos(node.range[0]).line;
  };

  return (path) => {
    let node: unknown = document.contents;
    let line = lineOf(node);

    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (pair === undefined) return line;
        line = lineOf(pair.key) ?? line;
        node = pair.value;
        continue;
      }

      if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        const itemLine = lineOf(node);
        if (itemLine === undefined) return line;
        line = itemLine;
        continue;
      }

      return line;
    }

    return line;
  };
}
