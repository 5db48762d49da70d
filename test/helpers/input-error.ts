import { InputError } from '../../src/errors.js';

/**
 * The InputError that `fn` throws. Fails the test when `fn` returns, or
 * rethrows when it throws anything else (a crash is not a user error).
 */
export function expectInputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

/** {@link expectInputError} for a function that returns a promise. */
export async function expectInputErrorAsync(fn: () => Promise<unknown>): Promise<InputError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}
