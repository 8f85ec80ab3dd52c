import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const PAGE = 'docs/benchmarks.md';

/**
 * Replaces the section of docs/benchmarks.md that starts with `heading` (up to the next "## "
 * heading), or appends it, so each benchmark script rewrites only its own numbers.
 */
export function replaceSection(heading: string, section: string): void {
  const text = existsSync(PAGE) ? readFileSync(PAGE, 'utf8') : '# Benchmarks\n';
  const start = text.indexOf(`\n${heading}\n`);
  if (start === -1) {
    writeFileSync(PAGE, text.trimEnd() + '\n\n' + section.trimEnd() + '\n');
    return;
  }

  const next = text.indexOf('\n## ', start + heading.length + 1);
  const end = next === -1 ? text.length : next;
  writeFileSync(PAGE, text.slice(0, start + 1) + section.trimEnd() + '\n' + text.slice(end));
}
