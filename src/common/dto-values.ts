/**
 * Small helpers the request DTOs share: how a refused value is quoted in its error
 * message, and how a comma-separated query parameter becomes a list.
 */

/** The refused value as the error message quotes it (`got "abc"`). */
export const got = (a: { value: unknown }): string => JSON.stringify(a.value);

/** `?status=offline,degraded` → ['offline', 'degraded']; anything that is not a string is left to the validators. */
export const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
