import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseDocument, stringify as stringifyYaml } from 'yaml';

import { sameFingerprint, sha256Fingerprint } from '../pki/fingerprint.ts';
import {
  loadOrganisationFile,
  OrganisationFileError,
  parseOrganisation,
} from './load-organisation.ts';

const examples = join(import.meta.dirname, '../../resources/examples');
const yamlExample = join(examples, 'example-corp.yaml');
const jsonExample = join(examples, 'example-corp-est.json');

let exampleText: string;
let staticKey: string;
let caCertificates: string[];
let workDir: string;

beforeAll(async () => {
  exampleText = await readFile(yamlExample, 'utf8');
  const example = parseOrganisation(exampleText, { name: yamlExample });
  staticKey = example.vpn.tlsCrypt;
  caCertificates = example.ca.certificates;
  workDir = await mkdtemp(join(tmpdir(), 'org-loader-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

type Path = (string | number)[];

/** Returns the manual example's text with values set (undefined deletes the field). */
function edited(...changes: [Path, unknown][]): string {
  const document = parseDocument(exampleText);
  for (const [path, value] of changes) {
    if (value === undefined) document.deleteIn(path);
    else document.setIn(path, document.createNode(value));
  }
  return document.toString();
}

function rejection(text: string, format: 'json' | 'yaml' = 'yaml'): OrganisationFileError {
  try {
    parseOrganisation(text, { name: `example.${format}`, format });
  } catch (error) {
    if (error instanceof OrganisationFileError) return error;
    throw error;
  }
  throw new Error('expected the organisation file to be rejected');
}

function rejectionOf(...changes: [Path, unknown][]): OrganisationFileError {
  return rejection(edited(...changes));
}

function issueAt(error: OrganisationFileError, path: string) {
  return error.issues.find((issue) => issue.path === path);
}

/** 1-based line of the first line of text that contains the needle. */
function lineContaining(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`${needle} is not in the text`);
  return index + 1;
}

const minimalFile = () => ({
  schemaVersion: 1,
  organisation: { id: 'minimal', name: 'Minimal Org' },
  ca: { certificates: caCertificates },
  enrollment: {
    method: 'est',
    url: 'https://ca.example.org/.well-known/est',
    caFingerprint: 'ab'.repeat(32),
  },
  vpn: { endpoints: [{ host: 'vpn.example.org' }], tlsCrypt: staticKey, serverName: 'vpn-server' },
  networks: [{ id: 'office', name: 'Office', cidrs: ['192.168.100.0/24'] }],
});

describe('organisation file examples', () => {
  it('loads the manual YAML example', async () => {
    const organisation = await loadOrganisationFile(yamlExample);

    expect(organisation.organisation.name).toBe('Example Corp');
    expect(organisation.enrollment.method).toBe('manual');
    expect(organisation.vpn.endpoints.map((endpoint) => endpoint.host)).toEqual([
      'fw1.vpn.example.org',
      'fw2.vpn.example.org',
    ]);
    expect(organisation.networks.find((network) => network.id === 'azure-vnet')?.via).toBe(
      'vlan-440',
    );
  });

  it('loads the EST JSON example', async () => {
    const organisation = await loadOrganisationFile(jsonExample);

    expect(organisation.enrollment.method).toBe('est');
    expect(organisation.networks.map((network) => network.id)).toEqual([
      'vlan-440',
      'azure-vnet',
      'legacy-vpn',
      'vpn-pool',
    ]);
  });

  it('pins the example CA in the EST example', async () => {
    const organisation = await loadOrganisationFile(jsonExample);
    if (organisation.enrollment.method !== 'est') throw new Error('expected EST enrollment');

    const certificate = new X509Certificate(organisation.ca.certificates[0]!);
    expect(certificate.ca).toBe(true);
    expect(
      sameFingerprint(sha256Fingerprint(certificate.raw), organisation.enrollment.caFingerprint),
    ).toBe(true);
  });

  it('describes the same organisation in both examples', async () => {
    const manual = await loadOrganisationFile(yamlExample);
    const est = await loadOrganisationFile(jsonExample);

    expect(est.ca.certificates[0]!.trim()).toBe(manual.ca.certificates[0]!.trim());
    expect(est.vpn).toEqual(manual.vpn);
    expect(est.networks).toEqual(manual.networks);
  });
});

describe('parseOrganisation', () => {
  it('applies defaults', () => {
    const organisation = parseOrganisation(JSON.stringify(minimalFile()), {
      name: 'min.json',
      format: 'json',
    });

    expect(organisation.key).toEqual({ type: 'rsa', bits: 3072 });
    expect(organisation.subject).toEqual({ commonName: '{email}' });
    expect(organisation.vpn.endpoints[0]).toEqual({
      host: 'vpn.example.org',
      port: 1194,
      proto: 'udp',
    });
    expect(organisation.vpn.serverNameType).toBe('name');
    expect(organisation.vpn.extraDirectives).toEqual([]);
    expect(organisation.networks[0]!.probes).toEqual([]);
    if (organisation.enrollment.method !== 'est') throw new Error('expected EST enrollment');
    expect(organisation.enrollment.timeoutSeconds).toBe(30);
  });

  it('defaults networks to none', () => {
    const file: Partial<ReturnType<typeof minimalFile>> = minimalFile();
    delete file.networks;
    const organisation = parseOrganisation(JSON.stringify(file), { name: 'min.json' });

    expect(organisation.networks).toEqual([]);
  });

  it('detects JSON and YAML without a format', () => {
    const asJson = parseOrganisation(JSON.stringify(minimalFile()), { name: 'org' });
    const asYaml = parseOrganisation(stringifyYaml(minimalFile()), { name: 'org' });

    expect(asYaml).toEqual(asJson);
  });

  it('accepts a byte order mark', () => {
    const organisation = parseOrganisation('\uFEFF' + JSON.stringify(minimalFile()), {
      name: 'bom.json',
      format: 'json',
    });

    expect(organisation.organisation.id).toBe('minimal');
  });

  it('normalises the tls-crypt key written by openvpn --genkey', () => {
    const genkeyOutput = `#\r\n# 2048 bit OpenVPN static key\r\n#\r\n${staticKey.trim().replace(/\n/g, '\r\n')}\r\n`;
    const organisation = parseOrganisation(edited([['vpn', 'tlsCrypt'], genkeyOutput]), {
      name: 'example.yaml',
    });

    expect(organisation.vpn.tlsCrypt).toBe(staticKey.trim() + '\n');
  });
});

describe('organisation file errors', () => {
  it('names the path of a wrong port type', () => {
    const error = rejectionOf([['vpn', 'endpoints', 0, 'port'], '443']);

    expect(issueAt(error, 'vpn.endpoints[0].port')?.message).toBe(
      'expected a port number between 1 and 65535, got "443"',
    );
  });

  it('reports the YAML line of the field', () => {
    const text = edited([['networks', 1, 'cidrs'], ['192.168.100.0/33']]);
    const error = rejection(text);

    expect(error.message).toBe(
      `example.yaml: networks[1].cidrs[0] (line ${lineContaining(text, '192.168.100.0/33')}): ` +
        'expected a CIDR such as 192.168.100.0/24, got "192.168.100.0/33"',
    );
  });

  it('reports the JSON line of the field', () => {
    const text = JSON.stringify(
      parseYaml(edited([['vpn', 'endpoints', 1, 'proto'], 'sctp'])),
      null,
      2,
    );
    const error = rejection(text, 'json');

    expect(issueAt(error, 'vpn.endpoints[1].proto')?.line).toBe(lineContaining(text, '"sctp"'));
  });

  it('names a missing field', () => {
    const error = rejectionOf([['organisation', 'name'], undefined]);

    expect(issueAt(error, 'organisation.name')?.message).toBe(
      'required field is missing (expected a string)',
    );
  });

  it('names a missing section', () => {
    const error = rejectionOf([['vpn'], undefined]);

    expect(issueAt(error, 'vpn')?.message).toMatch(/^required field is missing/);
  });

  it('rejects an unknown top-level key by name', () => {
    const error = rejectionOf([['proxy'], 'http://proxy.example.org']);

    expect(issueAt(error, 'proxy')?.message).toMatch(
      /^unknown field "proxy", expected one of \$schema, schemaVersion/,
    );
  });

  it('rejects an unknown nested field with its line', () => {
    const text = edited([['vpn', 'endpoints', 0, 'protocol'], 'udp']);
    const error = rejection(text);

    expect(issueAt(error, 'vpn.endpoints[0].protocol')?.line).toBe(
      lineContaining(text, 'protocol:'),
    );
    expect(issueAt(error, 'vpn.endpoints[0].protocol')?.message).toBe(
      'unknown field "protocol", expected one of host, port, proto',
    );
  });

  it('lists the fields of the chosen enrollment method', () => {
    const error = rejectionOf([['enrollment', 'url'], 'https://ca.example.org']);

    expect(issueAt(error, 'enrollment.url')?.message).toBe(
      'unknown field "url", expected one of method, instructions',
    );
  });

  it('rejects a value outside an enum', () => {
    const error = rejectionOf([['vpn', 'serverNameType'], 'cn']);

    expect(issueAt(error, 'vpn.serverNameType')?.message).toBe(
      'expected "name", "name-prefix" or "subject", got "cn"',
    );
  });

  it('rejects an unknown enrollment method', () => {
    const error = rejectionOf([['enrollment', 'method'], 'scep']);

    expect(issueAt(error, 'enrollment.method')?.message).toBe(
      'expected method "est" or "manual", got "scep"',
    );
  });

  it('rejects a field of the chosen enrollment method', () => {
    const error = rejectionOf([
      ['enrollment'],
      {
        method: 'est',
        url: 'http://ca.example.org/.well-known/est',
        caFingerprint: 'ab'.repeat(32),
      },
    ]);

    expect(issueAt(error, 'enrollment.url')?.message).toBe(
      'expected an https URL such as https://ca.example.org/.well-known/est, got "http://ca.example.org/.well-known/est"',
    );
  });

  it('rejects a key size outside the union', () => {
    const error = rejectionOf([['key', 'bits'], 1024]);

    expect(issueAt(error, 'key.bits')?.message).toBe('expected 2048, 3072 or 4096, got 1024');
  });

  it('names a via that points at an unknown network', () => {
    const error = rejectionOf([['networks', 1, 'via'], 'vlan-441']);

    expect(issueAt(error, 'networks[1].via')?.message).toBe(
      'expected the id of a network in this file (vlan-440, azure-vnet, legacy-vpn, vpn-pool), got "vlan-441"',
    );
  });

  it('rejects a loop of via', () => {
    const error = rejectionOf([['networks', 0, 'via'], 'azure-vnet']);

    expect(issueAt(error, 'networks[0].via')?.message).toMatch(
      /loops: vlan-440 → azure-vnet → vlan-440/,
    );
  });

  it('rejects a network that is reached through itself', () => {
    const error = rejectionOf([['networks', 0, 'via'], 'vlan-440']);

    expect(issueAt(error, 'networks[0].via')).toBeDefined();
  });

  it('rejects a duplicate network id', () => {
    const error = rejectionOf([['networks', 3, 'id'], 'vlan-440']);

    expect(issueAt(error, 'networks[3].id')?.message).toMatch(/networks\[0\] has the same id/);
  });

  it('rejects a line break in the organisation name', () => {
    const error = rejectionOf([['organisation', 'name'], 'Example\nCorp']);

    expect(issueAt(error, 'organisation.name')?.message).toBe(
      'expected the organisation name without line breaks or control characters, got "Example\\nCorp"',
    );
  });

  it('rejects a control character in the server name', () => {
    const error = rejectionOf([['vpn', 'serverName'], 'vpn-server-\u0007']);

    expect(issueAt(error, 'vpn.serverName')?.message).toMatch(/got "vpn-server-\\u0007"$/);
  });

  it('rejects a Unicode line separator in a name', () => {
    const error = rejectionOf([['networks', 0, 'name'], 'Office\u2028VLAN']);

    expect(issueAt(error, 'networks[0].name')).toBeDefined();
  });

  it('rejects a bidirectional override in a network name', () => {
    const error = rejectionOf([['networks', 0, 'name'], 'Office \u202eNALV\u202c 440']);

    expect(issueAt(error, 'networks[0].name')?.message).toBe(
      'expected the network display name without bidirectional control characters (found U+202E at character 8), got "Office \\u202eNALV\\u202c 440"',
    );
  });

  it.each([
    ['organisation.name', ['organisation', 'name']],
    ['organisation.support.phone', ['organisation', 'support', 'phone']],
    ['networks[0].name', ['networks', 0, 'name']],
    ['networks[0].probes[0].name', ['networks', 0, 'probes', 0, 'name']],
    ['vpn.serverName', ['vpn', 'serverName']],
    ['subject.organization', ['subject', 'organization']],
    ['enrollment.instructions', ['enrollment', 'instructions']],
  ] satisfies [string, Path][])('rejects a bidirectional control in %s', (field, path) => {
    const error = rejectionOf([path, 'Example \u2067Corp\u2069']);

    expect(issueAt(error, field)?.message).toMatch(/\(found U\+2067 at character 9\)/);
  });

  it.each([
    ['U+061C', '\u061c'],
    ['U+200E', '\u200e'],
    ['U+200F', '\u200f'],
    ['U+202A', '\u202a'],
    ['U+202B', '\u202b'],
    ['U+202C', '\u202c'],
    ['U+202D', '\u202d'],
    ['U+202E', '\u202e'],
    ['U+2066', '\u2066'],
    ['U+2067', '\u2067'],
    ['U+2068', '\u2068'],
    ['U+2069', '\u2069'],
  ])('rejects the bidirectional control %s', (codePoint, character) => {
    const error = rejectionOf([['organisation', 'name'], `Example${character}`]);

    expect(issueAt(error, 'organisation.name')?.message).toContain(`(found ${codePoint} at`);
  });

  it('rejects a bidirectional control in the support URL', () => {
    const error = rejectionOf([
      ['organisation', 'support', 'url'],
      'https://help.example.org/\u202egpj.exe',
    ]);

    expect(issueAt(error, 'organisation.support.url')?.message).toContain('(found U+202E at');
  });

  it('accepts right-to-left text without bidirectional controls', () => {
    const text = edited([['organisation', 'name'], 'שלום Example']);

    expect(parseOrganisation(text, { name: 'example.yaml' }).organisation.name).toBe(
      'שלום Example',
    );
  });

  it('rejects a line break in an extra directive', () => {
    const error = rejectionOf([
      ['vpn', 'extraDirectives', 0],
      ['verb', '3\nup /bin/sh'],
    ]);

    expect(issueAt(error, 'vpn.extraDirectives[0][1]')?.message).toMatch(/without line breaks/);
  });

  it('rejects credentials in the EST URL', () => {
    const error = rejectionOf([
      ['enrollment'],
      {
        method: 'est',
        url: 'https://jane:hunter2@ca.example.org/.well-known/est',
        caFingerprint: 'ab'.repeat(32),
      },
    ]);

    expect(issueAt(error, 'enrollment.url')?.message).toMatch(/without a user name or password/);
  });

  it('never shows a password from the EST URL', () => {
    const error = rejectionOf([
      ['enrollment'],
      {
        method: 'est',
        url: 'https://jane:hunter2@ca.example.org/.well-known/est',
        caFingerprint: 'ab'.repeat(32),
      },
    ]);

    expect(error.message).not.toContain('hunter2');
  });

  it('rejects a directive that runs a program', () => {
    const error = rejectionOf([
      ['vpn', 'extraDirectives', 3],
      ['up', '/bin/sh'],
    ]);

    expect(issueAt(error, 'vpn.extraDirectives[3][0]')?.message).toBe(
      '"up" is not allowed because it runs a program',
    );
  });

  it('rejects a directive the profile sets itself', () => {
    const error = rejectionOf([
      ['vpn', 'extraDirectives', 3],
      ['verify-x509-name', 'x', 'name'],
    ]);

    expect(issueAt(error, 'vpn.extraDirectives[3][0]')?.message).toMatch(
      /is set from the other ca and vpn fields/,
    );
  });

  it('rejects a directive outside the allowlist', () => {
    const error = rejectionOf([
      ['vpn', 'extraDirectives', 3],
      ['route-gateway', 'dhcp'],
    ]);

    expect(issueAt(error, 'vpn.extraDirectives[3][0]')?.message).toMatch(/not on the allowlist/);
  });

  it('asks for quotes around a numeric directive argument', () => {
    const error = rejectionOf([
      ['vpn', 'extraDirectives', 1],
      ['mssfix', 1360],
    ]);

    expect(issueAt(error, 'vpn.extraDirectives[1][1]')?.message).toBe(
      'expected a string, so quote numbers as in "1400", got 1360',
    );
  });

  it('rejects an unknown subject placeholder', () => {
    const error = rejectionOf([['subject', 'commonName'], '{mail}']);

    expect(issueAt(error, 'subject.commonName')?.message).toMatch(
      /^expected only the placeholders/,
    );
  });

  it('rejects an escape sequence in instructions', () => {
    const error = rejectionOf([['enrollment', 'instructions'], 'Send it to IT.\u001b[2J']);

    expect(issueAt(error, 'enrollment.instructions')).toBeDefined();
  });

  it('rejects a tls-crypt key that could close the inline block', () => {
    const injected = staticKey.replace('-----END', '</tls-crypt>\nup /bin/sh\n-----END');
    const error = rejectionOf([['vpn', 'tlsCrypt'], injected]);

    expect(issueAt(error, 'vpn.tlsCrypt')).toBeDefined();
  });

  it('keeps the tls-crypt key out of messages', () => {
    const shortKey = staticKey.split('\n').slice(0, 3).join('\n');
    const error = rejectionOf([['vpn', 'tlsCrypt'], shortKey]);
    const secretLine = shortKey.split('\n')[1]!;

    expect(error.message).toContain('vpn.tlsCrypt');
    expect(error.message).not.toContain(secretLine);
  });

  it('never falls back to zod default messages', () => {
    const broken = [
      [['schemaVersion'], 2],
      [['organisation'], 'Example Corp'],
      [['organisation', 'support', 'email'], 'it at example.org'],
      [['organisation', 'support', 'url'], 'ftp://example.org'],
      [['organisation', 'id'], 'Example Corp'],
      [['ca', 'certificates'], []],
      [['ca', 'certificates'], [42]],
      [['subject', 'country'], 'nl'],
      [['key', 'type'], 'ec'],
      [['vpn', 'endpoints'], []],
      [['vpn', 'endpoints', 0, 'port'], 70000],
      [['vpn', 'endpoints', 0, 'port'], 1194.5],
      [['vpn', 'endpoints', 0, 'host'], '-fw1'],
      [['vpn', 'extraDirectives'], [[]]],
      [['networks'], {}],
      [['networks', 0, 'gateway'], '::1'],
      [['networks', 0, 'probes', 0, 'host'], 'fileserver'],
      [['networks', 0, 'probes', 0], null],
      [
        ['enrollment'],
        { method: 'est', url: 'https://ca.example.org', caFingerprint: 'ab', timeoutSeconds: 0 },
      ],
      [
        ['enrollment'],
        { method: 'est', url: 'https://x', caFingerprint: 'ab'.repeat(32), timeoutSeconds: 601 },
      ],
      [['enrollment', 'instructions'], ''],
    ] satisfies [Path, unknown][];

    for (const change of broken) {
      const error = rejectionOf(change);
      for (const issue of error.issues) {
        expect(issue.message).not.toMatch(/^(Invalid|Too (small|big)|Unrecognized)/);
        expect(issue.message.length).toBeGreaterThan(10);
      }
    }
  });

  it('reports each issue on its own line', () => {
    const error = rejectionOf(
      [['vpn', 'endpoints', 0, 'port'], 0],
      [['networks', 2, 'cidrs', 0], '192.168.101.0'],
    );

    expect(error.message.split('\n')).toHaveLength(2);
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'vpn.endpoints[0].port',
      'networks[2].cidrs[0]',
    ]);
  });

  it('rejects a list at the top level', () => {
    const error = rejection('- schemaVersion: 1\n');

    expect(error.message).toBe(
      'example.yaml: expected an object with schemaVersion, organisation, ca, enrollment and vpn, got a list',
    );
  });

  it('rejects an empty file', () => {
    const error = rejection('# nothing here yet\n');

    expect(error.message).toMatch(/^example\.yaml: the file is empty/);
  });
});

describe('organisation file syntax errors', () => {
  it('reports the line and column of a YAML error', () => {
    const error = rejection('schemaVersion: 1\norganisation:\n  name: "Example\\q Corp"\n');

    expect(error.issues[0]?.line).toBe(3);
    expect(error.issues[0]?.column).toBe(17);
    expect(error.message).toBe(
      'example.yaml (line 3, column 17): invalid YAML: Invalid escape sequence \\q',
    );
  });

  it('reports the line and column of a JSON error', () => {
    const error = rejection('{\n  "schemaVersion": 1,\n  "organisation": }\n', 'json');

    expect(error.message).toBe(
      'example.json (line 3, column 19): invalid JSON: expected a value: an object, array, string, number, true, false or null, got "}"',
    );
  });

  it('reports a trailing comma in JSON', () => {
    const error = rejection('{\n  "schemaVersion": 1,\n}\n', 'json');

    expect(error.issues[0]).toMatchObject({ line: 3, column: 1 });
  });

  it('keeps file content out of JSON syntax errors', () => {
    const error = rejection(
      `{"vpn": {"tlsCrypt": "${staticKey.replace(/\n/g, '\\n')}" "x"}}`,
      'json',
    );

    expect(error.message).not.toContain(staticKey.split('\n')[1]!);
  });

  it('rejects a duplicate key in JSON', () => {
    const error = rejection('{\n  "schemaVersion": 1,\n  "schemaVersion": 1\n}\n', 'json');

    expect(error.issues[0]).toMatchObject({ line: 3 });
    expect(error.message).toMatch(/appears twice/);
  });

  it('rejects a duplicate key in YAML', () => {
    const error = rejection('schemaVersion: 1\nschemaVersion: 1\n');

    expect(error.issues[0]).toMatchObject({ line: 2 });
  });

  it('rejects a YAML alias bomb', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 10; level += 1) {
      const alias = `*a${level - 1}`;
      levels.push(`a${level}: &a${level} [${Array(10).fill(alias).join(', ')}]`);
    }
    const error = rejection(levels.join('\n'));

    expect(error.message).toMatch(/^example\.yaml: invalid YAML: Excessive alias count/);
  });

  it('rejects a second YAML document', () => {
    const error = rejection('schemaVersion: 1\n---\nschemaVersion: 1\n');

    expect(error.message).toMatch(/expected one YAML document/);
  });
});

describe('loadOrganisationFile', () => {
  it('names a file that does not exist and what to do', async () => {
    const path = join(workDir, 'missing.yaml');

    await expect(loadOrganisationFile(path)).rejects.toThrow(
      `Cannot read the organisation file ${path}: file not found. Check the path, or ask your administrator for the organisation file.`,
    );
  });

  it('rejects a directory', async () => {
    await expect(loadOrganisationFile(workDir)).rejects.toThrow(/it is not a regular file/);
  });

  it('rejects text that is not UTF-8', async () => {
    const path = join(workDir, 'latin1.yaml');
    await writeFile(path, Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));

    await expect(loadOrganisationFile(path)).rejects.toThrow(
      /it is not UTF-8 text\. Save it as UTF-8/,
    );
  });

  it('parses a .yml file as YAML', async () => {
    const path = join(workDir, 'org.yml');
    await writeFile(path, stringifyYaml(minimalFile()));

    expect((await loadOrganisationFile(path)).organisation.id).toBe('minimal');
  });

  it('parses JSON in a file with another extension', async () => {
    const path = join(workDir, 'org.conf');
    await writeFile(path, JSON.stringify(minimalFile()));

    expect((await loadOrganisationFile(path)).organisation.id).toBe('minimal');
  });

  it('parses YAML in a file with another extension', async () => {
    const path = join(workDir, 'org.txt');
    await writeFile(path, stringifyYaml(minimalFile()));

    expect((await loadOrganisationFile(path)).organisation.id).toBe('minimal');
  });

  it('reads a .json file strictly as JSON', async () => {
    const path = join(workDir, 'org.json');
    await writeFile(path, stringifyYaml(minimalFile()));

    await expect(loadOrganisationFile(path)).rejects.toThrow(/invalid JSON/);
  });

  it('names the file in validation errors', async () => {
    const path = join(workDir, 'bad.yaml');
    await writeFile(path, stringifyYaml({ ...minimalFile(), schemaVersion: 2 }));

    await expect(loadOrganisationFile(path)).rejects.toThrow(
      `${path}: schemaVersion (line 1): expected 1, got 2`,
    );
  });
});
