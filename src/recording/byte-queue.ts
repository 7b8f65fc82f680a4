/** A FIFO of bytes fed in arbitrary pieces and read in exact sizes (chunk framing for the streams). */
export class ByteQueue {
  private parts: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  /** Removes and returns the first `n` bytes (n ≤ length) as one fresh array. */
  take(n: number): Uint8Array<ArrayBuffer> {
    if (n > this.size) throw new RangeError(`take(${n}) with ${this.size} queued`);
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.parts[0]!;
      const want = n - filled;
      if (head.length <= want) {
        out.set(head, filled);
        filled += head.length;
        this.parts.shift();
      } else {
        out.set(head.subarray(0, want), filled);
        this.parts[0] = head.subarray(want);
        filled += want;
      }
    }
    this.size -= n;
    return out;
  }
}
