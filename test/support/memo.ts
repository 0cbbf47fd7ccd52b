// Test helper: one result per distinct argument, so a test file builds (and synthesizes) each input once.

/**
 * `build`, remembering its result for each argument; arguments are told apart by their JSON, so pass
 * only plain data. A call that throws is not remembered. Share a result only among tests that read it.
 */
export function memoised<A, R>(build: (arg: A) => R): (arg: A) => R {
  const results = new Map<string, R>();
  return (arg) => {
    const key = JSON.stringify(arg) ?? 'undefined';
    if (!results.has(key)) results.set(key, build(arg));
    return results.get(key) as R;
  };
}
