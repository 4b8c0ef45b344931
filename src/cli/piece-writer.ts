/**
 * Text for an output stream, gathered into writes of about 64 KB: a large result is written as
 * it is made, never held whole as one string (a string has a maximum length, about 512 MB).
 */
export class PieceWriter {
  private pending: string[] = [];
  private size = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly every = 1 << 16,
  ) {}

  write(piece: string): void {
    if (piece === '') return;
    this.pending.push(piece);
    this.size += piece.length;
    if (this.size >= this.every) this.flush();
  }

  /** Writes what is gathered (call once more at the end). */
  flush(): void {
    if (this.size === 0) return;
    this.out.write(this.pending.join(''));
    this.pending = [];
    this.size = 0;
  }
}
