import { useRef, useState, type DragEvent } from 'react';

import { FieldError, StepError } from '../components/field-error.tsx';
import { StepFrame } from '../components/step-frame.tsx';
import { callMain, goToStep, useSnapshot } from '../wizard-store.ts';

const MAX_FILE_BYTES = 64 * 1024;

/** Signing by hand: export the CSR, follow the instructions, bring back the signed certificate. */
export function ManualSigning() {
  const snapshot = useSnapshot();
  const { organisation, request } = snapshot;
  const [certificate, setCertificate] = useState('');
  const [copied, setCopied] = useState(false);
  const [fileProblem, setFileProblem] = useState<string | undefined>();
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const error = snapshot.error?.step === 'signing' ? snapshot.error : undefined;
  const certificateError =
    fileProblem ?? (error?.field === 'certificate' ? error.message : undefined);
  const busy = snapshot.activity === 'importing';

  const copy = async () => {
    if (request === undefined) return;
    await navigator.clipboard.writeText(request.csrPem);
    setCopied(true);
  };

  const save = () => {
    if (request === undefined) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([request.csrPem], { type: 'application/pkcs10' }));
    link.download = request.csrFileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  const readFile = async (file: File | undefined) => {
    if (file === undefined) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileProblem(
        `The file ${file.name} is ${Math.round(file.size / 1024)} KB; a certificate is a few KB. Choose the certificate file.`,
      );
      return;
    }
    setFileProblem(undefined);
    setCertificate(textOf(new Uint8Array(await file.arrayBuffer())));
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void readFile(event.dataTransfer.files[0]);
  };

  return (
    <StepFrame
      title="Signing"
      lead={`${organisation.name} signs requests by hand. Send your request, then bring back the signed certificate.`}
      actions={
        <>
          <button type="button" disabled={busy} onClick={() => void goToStep('request')}>
            Back
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || certificate.trim() === ''}
            onClick={() => {
              // The host drops messages over 256 KB, so an oversized paste is stopped here with a
              // message that says what is wrong.
              if (certificate.length > MAX_FILE_BYTES) {
                setFileProblem(
                  `The pasted text is ${Math.round(certificate.length / 1024)} KB; a certificate is a few KB. Paste only the certificate.`,
                );
                return;
              }
              setFileProblem(undefined);
              void callMain('wizard.importCertificate', { certificate });
            }}
          >
            {busy ? 'Checking…' : 'Install certificate'}
          </button>
        </>
      }
    >
      <div className="columns">
        <div className="column">
          <h2 className="section-title">1. Send your request</h2>
          <p className="instructions">{organisation.instructions}</p>
          <label htmlFor="csr-text" className="visually-hidden">
            Certificate signing request (PEM)
          </label>
          <textarea id="csr-text" className="pem" readOnly rows={5} value={request?.csrPem ?? ''} />
          <div className="button-row">
            <button type="button" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy request'}
            </button>
            <button type="button" onClick={save}>
              Save request…
            </button>
          </div>
        </div>
        <div className="column">
          <h2 className="section-title">2. Add the signed certificate</h2>
          <div
            className={`drop-zone${dragging ? ' drop-zone-active' : ''}`}
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={drop}
            data-testid="drop-zone"
          >
            <label htmlFor="certificate-text">Paste the certificate, or drop the file here</label>
            <textarea
              id="certificate-text"
              className="pem"
              rows={5}
              value={certificate}
              placeholder="-----BEGIN CERTIFICATE-----"
              aria-invalid={certificateError !== undefined}
              aria-describedby="certificate-error"
              onChange={(event) => setCertificate(event.target.value)}
            />
          </div>
          <div className="button-row">
            <button type="button" onClick={() => fileInput.current?.click()}>
              Choose file…
            </button>
            <input
              ref={fileInput}
              id="certificate-file"
              type="file"
              hidden
              accept=".pem,.crt,.cer,.der,.p7b,.p7c"
              onChange={(event) => void readFile(event.target.files?.[0])}
            />
          </div>
          <FieldError id="certificate-error" message={certificateError} />
        </div>
      </div>
      <StepError message={error?.field === undefined ? error?.message : undefined} />
    </StepFrame>
  );
}

/** Returns PEM text as is and DER bytes (which start with a SEQUENCE, 0x30) as base64. */
function textOf(bytes: Uint8Array): string {
  if (bytes[0] === 0x30) {
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  }
  return new TextDecoder().decode(bytes);
}
