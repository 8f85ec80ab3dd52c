/** Switches that make the demo EST server misbehave the way real CAs sometimes do. */
export interface EstBehaviour {
  /** How many times each CSR (by public key) gets 202 Pending before it is signed. */
  pendingPolls: number;
  /** Retry-After value, in seconds, sent with 202 Pending. */
  retryAfterSeconds: number;
  /** When set, every well-formed enroll request gets this HTTP status and `failBody`. */
  failStatus?: number;
  failBody?: string;
  /** Delay before the response to an enroll request, in milliseconds. /cacerts is never delayed. */
  delayMs: number;
  /** When true, enroll responses carry base64 bytes that are not PKCS#7. */
  malformedResponse: boolean;
  /** Validity of issued certificates. The CA's defaults apply when unset. */
  notBefore?: Date;
  notAfter?: Date;
  /** When true, the server signs a certificate for a different key with the CSR's subject. */
  issueForOtherKey: boolean;
}

export const DEFAULT_BEHAVIOUR: EstBehaviour = {
  pendingPolls: 0,
  retryAfterSeconds: 5,
  delayMs: 0,
  malformedResponse: false,
  issueForOtherKey: false,
};

/** Returns the behaviour unchanged, or throws a RangeError naming the invalid switch. */
export function validateBehaviour(behaviour: EstBehaviour): EstBehaviour {
  const wholeNumbers: (keyof EstBehaviour)[] = ['pendingPolls', 'retryAfterSeconds', 'delayMs'];
  for (const name of wholeNumbers) {
    const value = behaviour[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new RangeError(
        `Invalid EST behaviour ${name}: ${String(value)}; expected a whole number of 0 or more.`,
      );
    }
  }

  const status = behaviour.failStatus;
  if (status !== undefined && !(Number.isInteger(status) && status >= 400 && status <= 599)) {
    throw new RangeError(
      `Invalid EST behaviour failStatus: ${status}; expected an HTTP status from 400 to 599.`,
    );
  }
  return behaviour;
}
