import { encodeElement, readChildren, readElement } from './der.ts';

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const OID = 0x06;
const CONTEXT_0 = 0xa0;

// 1.2.840.113549.1.7.2 (signedData) and 1.2.840.113549.1.7.1 (data), DER-encoded.
const SIGNED_DATA_OID = Buffer.from('2a864886f70d010702', 'hex');
const DATA_OID = Buffer.from('2a864886f70d010701', 'hex');

/**
 * Encodes a degenerate PKCS#7 SignedData ("certs-only", RFC 7030 section 4.1.3) that carries
 * the given certificates and no signers. Certificates are copied as bytes, so RSA and ECDSA
 * certificates work alike.
 */
export function encodeCertsOnlyPkcs7(certificatesDer: Uint8Array[]): Buffer {
  const signedData = encodeElement(
    SEQUENCE,
    Buffer.concat([
      encodeElement(INTEGER, Buffer.from([1])),
      encodeElement(SET, Buffer.alloc(0)),
      encodeElement(SEQUENCE, encodeElement(OID, DATA_OID)),
      encodeElement(CONTEXT_0, Buffer.concat(certificatesDer)),
      encodeElement(SET, Buffer.alloc(0)),
    ]),
  );

  return encodeElement(
    SEQUENCE,
    Buffer.concat([encodeElement(OID, SIGNED_DATA_OID), encodeElement(CONTEXT_0, signedData)]),
  );
}

/** Extracts the DER bytes of every certificate in a PKCS#7 SignedData structure. */
export function decodeCertsOnlyPkcs7(der: Uint8Array): Buffer[] {
  const contentInfo = readElement(der, 0);
  if (contentInfo.tag !== SEQUENCE || contentInfo.end !== der.length) {
    throw new Error('not a PKCS#7 ContentInfo');
  }

  const [contentType, content] = readChildren(der, contentInfo);
  if (contentType?.tag !== OID || content?.tag !== CONTEXT_0) {
    throw new Error('not a PKCS#7 ContentInfo');
  }
  if (
    !Buffer.from(der.subarray(contentType.contentStart, contentType.end)).equals(SIGNED_DATA_OID)
  ) {
    throw new Error('PKCS#7 content is not SignedData');
  }

  const signedData = readChildren(der, content)[0];
  if (signedData?.tag !== SEQUENCE) throw new Error('PKCS#7 SignedData is not a SEQUENCE');

  const certificates = readChildren(der, signedData).find((child) => child.tag === CONTEXT_0);
  if (certificates === undefined) return [];

  return readChildren(der, certificates)
    .filter((child) => child.tag === SEQUENCE)
    .map((child) => Buffer.from(der.subarray(child.start, child.end)));
}
