import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';

import { HELPER_INSTALL_PATH, POLKIT_ACTION_ID } from './helper-paths.ts';

const POLICY_PATH = fileURLToPath(
  new URL(`../../../resources/polkit/${POLKIT_ACTION_ID}.policy`, import.meta.url),
);

/** Parses XML and returns the document with every message the parser reported. */
function parseXml(text: string): { document: Document; problems: string[] } {
  const problems: string[] = [];
  const report = (message: string) => problems.push(message);
  const parser = new DOMParser({
    errorHandler: { warning: report, error: report, fatalError: report },
  });
  return { document: parser.parseFromString(text, 'text/xml'), problems };
}

function childText(parent: Element, name: string): string | undefined {
  return parent.getElementsByTagName(name)[0]?.textContent?.trim();
}

describe('polkit policy of the helper', () => {
  const text = readFileSync(POLICY_PATH, 'utf8');
  const { document, problems } = parseXml(text);
  const actions = Array.from(document.getElementsByTagName('action'));

  it('parses without a problem', () => {
    expect(problems).toEqual([]);
    expect(document.documentElement?.tagName).toBe('policyconfig');
  });

  it('declares the action id the code uses', () => {
    expect(actions.map((action) => action.getAttribute('id'))).toEqual([POLKIT_ACTION_ID]);
  });

  it('names the helper path the launcher runs', () => {
    const annotations = Array.from(actions[0]!.getElementsByTagName('annotate')).map((annotate) => [
      annotate.getAttribute('key'),
      annotate.textContent?.trim(),
    ]);

    expect(annotations).toEqual([['org.freedesktop.policykit.exec.path', HELPER_INSTALL_PATH]]);
  });

  it('asks an active session for an administrator at every start', () => {
    const defaults = actions[0]!.getElementsByTagName('defaults')[0]!;

    expect(childText(defaults, 'allow_active')).toBe('auth_admin');
    expect(childText(defaults, 'allow_inactive')).toBe('no');
    expect(childText(defaults, 'allow_any')).toBe('no');
  });

  it('has a check that finds a broken file', () => {
    // xmldom 0.8 reports mismatched tags and repeated attributes, though not every
    // well-formedness error (a bare "&" passes), so this proves the check can fail at all.
    const broken = text.replace('</defaults>', '</default>');

    expect(parseXml(broken).problems).not.toEqual([]);
  });
});
