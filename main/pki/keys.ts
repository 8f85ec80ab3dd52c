import forge from 'node-forge';

/** An RSA key pair in node-forge's representation, which the CSR builder signs with. */
export type RsaKeyPair = forge.pki.rsa.KeyPair;

export type RsaKeyBits = 2048 | 3072 | 4096;

const PUBLIC_EXPONENT = 0x10001;

// The typings omit `forge.options`, which selects between the native and pure-JavaScript paths.
const forgeOptions = (forge as unknown as { options: { usePureJavaScript: boolean } }).options;

/**
 * Generates an RSA key pair through node-forge's native path, which hands the work to Node's
 * OpenSSL-backed `crypto.generateKeyPair` on a worker thread. The pure-JavaScript path is
 * roughly two orders of magnitude slower, so it is disabled on purpose.
 */
export function generateRsaKeyPair(bits: RsaKeyBits): Promise<RsaKeyPair> {
  forgeOptions.usePureJavaScript = false;

  return new Promise((resolve, reject) => {
    forge.pki.rsa.generateKeyPair({ bits, e: PUBLIC_EXPONENT }, (error, keyPair) => {
      if (error) {
        reject(new Error(`Failed to generate an RSA ${bits}-bit key: ${error.message}`));
        return;
      }
      resolve(keyPair);
    });
  });
}

/** Encodes the private key as PKCS#8 PEM, the form OpenVPN's `<key>` block and OpenSSL both read. */
export function privateKeyToPem(keyPair: RsaKeyPair): string {
  const rsaPrivateKey = forge.pki.privateKeyToAsn1(keyPair.privateKey);
  const privateKeyInfo = forge.pki.wrapRsaPrivateKey(rsaPrivateKey);

  return forge.pki.privateKeyInfoToPem(privateKeyInfo).replace(/\r\n/g, '\n');
}

/** Reads a PKCS#8 or PKCS#1 RSA private key PEM and derives its public key. */
export function readPrivateKeyPem(pem: string): RsaKeyPair {
  let privateKey: forge.pki.rsa.PrivateKey;
  try {
    privateKey = forge.pki.privateKeyFromPem(pem);
  } catch (error) {
    throw new Error(
      `Failed to read the private key: ${(error as Error).message}. The key file may be damaged; start a new enrollment.`,
      { cause: error },
    );
  }

  const publicKey = forge.pki.rsa.setPublicKey(privateKey.n, privateKey.e);
  return { privateKey, publicKey };
}

/** Encodes a public key as DER SubjectPublicKeyInfo, the form compared against certificates. */
export function publicKeySpkiDer(publicKey: forge.pki.rsa.PublicKey): Buffer {
  const der = forge.asn1.toDer(forge.pki.publicKeyToAsn1(publicKey)).getBytes();
  return Buffer.from(der, 'binary');
}
