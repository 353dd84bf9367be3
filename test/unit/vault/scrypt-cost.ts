/** scrypt at N=2^10: milliseconds instead of the real cost's second or so, for tests that derive keys. */
export const FAST_SCRYPT_COST = { logN: 10, r: 8, p: 1 };
