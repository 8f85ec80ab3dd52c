// Benchmarks key and CSR generation against OpenSSL and one EST round trip against the demo CA,
// then writes docs/benchmarks.md. Runs alternate between the two tools so that load from other
// processes on a shared machine hits both alike; the ratio of medians is the number to watch.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

import { createDemoCa } from '../main/demo-ca/certificate-authority.ts';
import { startEstServer } from '../main/demo-ca/est-server.ts';
import { createEstClient } from '../main/enroll/est-client.ts';
import { createCsr } from '../main/pki/csr.ts';
import { generateRsaKeyPair, type RsaKeyBits } from '../main/pki/keys.ts';
import { findExecutable } from '../main/testing/requirements.ts';
import { replaceSection } from './benchmark-page.ts';

const KEY_RUNS: Record<number, number> = { 2048: 30, 3072: 20 };
const EST_RUNS = 20;

interface Row {
  name: string;
  runs: number;
  oursMs: number;
  referenceMs?: number;
  reference?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timeMs(task: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await task();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function benchKeys(bits: RsaKeyBits, openssl: string | undefined): Promise<Row> {
  const ours: number[] = [];
  const reference: number[] = [];
  const runs = KEY_RUNS[bits]!;

  for (let run = 0; run < runs; run++) {
    ours.push(
      await timeMs(async () => {
        const keyPair = await generateRsaKeyPair(bits);
        createCsr(keyPair, { commonName: 'bench@example.org', emailAddress: 'bench@example.org' });
      }),
    );

    if (openssl === undefined) continue;
    reference.push(
      await timeMs(() => {
        const result = spawnSync(
          openssl,
          [
            'req',
            '-new',
            '-newkey',
            `rsa:${bits}`,
            '-nodes',
            '-keyout',
            '/dev/null',
            '-out',
            '/dev/null',
            '-subj',
            '/CN=bench@example.org',
          ],
          { stdio: 'ignore' },
        );
        if (result.status !== 0) throw new Error(`openssl req failed with status ${result.status}`);
      }),
    );
  }

  return {
    name: `RSA ${bits} key + CSR`,
    runs,
    oursMs: median(ours),
    ...(openssl === undefined
      ? {}
      : {
          referenceMs: median(reference),
          reference: `openssl req -new -newkey rsa:${bits} -nodes`,
        }),
  };
}

async function benchEst(): Promise<Row> {
  const ca = await createDemoCa({ keyBits: 2048 });
  const server = await startEstServer({ ca, username: 'bench', password: 'bench-password' });
  const client = createEstClient({
    url: server.url,
    anchorsPem: [ca.certificatePem],
    caFingerprint: server.caFingerprint,
    timeoutMs: 10_000,
    credentials: { username: 'bench', password: 'bench-password' },
  });
  const keyPair = await generateRsaKeyPair(2048);
  const csr = createCsr(keyPair, { commonName: 'bench@example.org' });

  const times: number[] = [];
  try {
    for (let run = 0; run < EST_RUNS; run++) {
      times.push(
        await timeMs(async () => {
          await client.fetchCaCertificates();
          const result = await client.simpleEnroll(csr.der);
          if (result.status !== 'issued')
            throw new Error('the demo CA did not issue a certificate');
        }),
      );
    }
  } finally {
    await server.close();
  }

  return {
    name: 'EST /cacerts + /simpleenroll round trip (demo CA, loopback)',
    runs: EST_RUNS,
    oursMs: median(times),
  };
}

function openSslVersion(openssl: string | undefined): string {
  if (openssl === undefined) return 'not installed';
  return spawnSync(openssl, ['version'], { encoding: 'utf8' }).stdout.trim();
}

async function main(): Promise<void> {
  const openssl = findExecutable('openssl');
  const rows = [await benchKeys(2048, openssl), await benchKeys(3072, openssl), await benchEst()];

  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  const table = rows
    .map((row) => {
      const ratio =
        row.referenceMs === undefined ? '' : (row.oursMs / row.referenceMs).toFixed(2) + 'x';
      const reference =
        row.referenceMs === undefined ? '' : `${row.referenceMs.toFixed(1)} ms (${row.reference})`;
      return `| ${row.name} | ${row.runs} | ${row.oursMs.toFixed(1)} ms | ${reference} | ${ratio} |`;
    })
    .join('\n');

  const text = `## Key and CSR generation, and EST

Command: \`npm run bench\` (scripts/bench.ts), ${new Date().toISOString()}, ${machine}, Node.js
${process.version} (bundled OpenSSL ${process.versions.openssl}), command-line ${openSslVersion(openssl)}.

Each number is the median of the given runs; runs of VPN Onboard and of the reference tool
alternate in the same process run. The OpenSSL timing includes starting the openssl process (a
few milliseconds), because that is what a user of \`openssl req\` pays too. Node.js generates the
key with the OpenSSL it bundles, which can be a newer release than the command-line tool's. RSA
key generation searches for random primes, so single runs vary by a factor of several; compare
ratios, not absolute times, across machines. Target: within 1.3x of OpenSSL.

| What | Runs | VPN Onboard (median) | Reference (median) | Ratio |
| --- | --- | --- | --- | --- |
${table}
`;
  replaceSection('## Key and CSR generation, and EST', text);
  process.stdout.write(text);
}

await main();
