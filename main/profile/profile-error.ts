/** Raised when a value cannot go into a profile safely; `field` names where it came from. */
export class ProfileError extends Error {
  override name = 'ProfileError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
