/** RFC 9110 §5.6.2 token: the grammar of a field name (`Vary` members) and of directive names. */
export const TOKEN: RegExp = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** RFC 9651 §3.3.4 sf-token (the cache name and `detail` in `Cache-Status`). */
export const SF_TOKEN: RegExp = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;

/** RFC 9111 §1.2.2: delta-seconds beyond 2^31 are sent as 2147483648. */
export const MAX_DELTA_SECONDS: number = 2147483648;
