// Test helper: every problem a validator refused its input with.

/** An error class that carries the list of problems it was thrown for. */
type Refusal = abstract new (...args: never[]) => Error & { readonly problems: readonly string[] };

/** The `problems` of the `refusal` that `run` throws; fails when `run` accepts its input, or throws anything else. */
export function refusedWith(refusal: Refusal, run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof refusal) return error.problems;
    throw error;
  }
  throw new Error(`expected ${refusal.name}, but the input was accepted`);
}
