/** Raised for bad command-line usage; the CLI exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
