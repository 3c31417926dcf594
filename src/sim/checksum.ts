// The books checksum of OKX.md §4.2: CRC32 over the interleaved top 25 levels, as a signed int.

/** Levels as [price string, size string, ...], best first. */
export type ChecksumLevel = readonly [string, string, ...string[]];

export function checksumString(bids: readonly ChecksumLevel[], asks: readonly ChecksumLevel[]): string {
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(`${b[0]}:${b[1]}`);
    if (a) parts.push(`${a[0]}:${a[1]}`);
  }
  return parts.join(":");
}

export function bookChecksum(bids: readonly ChecksumLevel[], asks: readonly ChecksumLevel[]): number {
  return Bun.hash.crc32(checksumString(bids, asks)) | 0;
}
