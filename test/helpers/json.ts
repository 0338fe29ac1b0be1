/**
 * A job's `--json` document as the tests read it: fields are reached freely and asserted with
 * expect(), which is the type check that matters here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type JsonDoc = Record<string, any>;
