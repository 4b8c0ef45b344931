/** The typed arrays kept in shared memory: read by every thread they are sent to, not copied to each. */
export type SharedColumn = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;
export type SharedColumnKind<T extends SharedColumn> = { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

/** `n` values of `Kind` (zeros) in shared memory. */
export function sharedArray<T extends SharedColumn>(Kind: SharedColumnKind<T>, n: number): T {
  return new Kind(new SharedArrayBuffer(n * Kind.BYTES_PER_ELEMENT));
}

/** `n` values of `Kind` (zeros), in shared memory when asked (at least one value there). */
export function columnOf<T extends SharedColumn>(Kind: SharedColumnKind<T>, n: number, shared: boolean): T {
  return shared ? sharedArray(Kind, Math.max(1, n)) : new Kind(n);
}
