import crypto from 'node:crypto';

import forge from 'node-forge';
import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  generateRsaKeyPair,
  privateKeyToPem,
  publicKeySpkiDer,
  readPrivateKeyPem,
} from './keys.ts';

describe('rsa key generation', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('uses the native path, not pure JavaScript', async () => {
    const nativeCall = vi.spyOn(crypto, 'generateKeyPair');
    // The typings omit the pure-JavaScript generator, which is what must stay unused.
    const rsa = forge.pki.rsa as unknown as { createKeyPairGenerationState: () => unknown };
    const pureJavaScriptCall = vi.spyOn(rsa, 'createKeyPairGenerationState');

    await generateRsaKeyPair(2048);

    expect(nativeCall).toHaveBeenCalledTimes(1);
    expect(pureJavaScriptCall).not.toHaveBeenCalled();
  });

  it('makes a key of the requested size', async () => {
    const keyPair = await generateRsaKeyPair(2048);

    expect(keyPair.publicKey.n.bitLength()).toBe(2048);
  });

  it('round-trips the private key through PKCS#8 PEM', async () => {
    const keyPair = await generateRsaKeyPair(2048);
    const pem = privateKeyToPem(keyPair);

    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pem).not.toContain('\r');
    expect(publicKeySpkiDer(readPrivateKeyPem(pem).publicKey)).toEqual(
      publicKeySpkiDer(keyPair.publicKey),
    );
  });

  it('encodes the public key as Node does', async () => {
    const keyPair = await generateRsaKeyPair(2048);
    const nodeKey = crypto.createPublicKey(crypto.createPrivateKey(privateKeyToPem(keyPair)));

    expect(publicKeySpkiDer(keyPair.publicKey)).toEqual(
      nodeKey.export({ type: 'spki', format: 'der' }),
    );
  });

  it('explains a damaged private key', () => {
    expect(() =>
      readPrivateKeyPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
    ).toThrow(/Failed to read the private key/);
  });
});
