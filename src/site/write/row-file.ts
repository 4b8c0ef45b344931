import type { StreamedContent } from './site-file.js';

/**
 * Where the rows of a file of one row a run end (`runs.csv`, `assets/runs-data.js`), for the
 * record of a build that keeps one, and which of them the previous build's file holds.
 */
export interface RowEnds {
  /** Filled as the file is written: the byte offset after each run's row, in list order. */
  ends: Float64Array;
  /** Filled as the file is written: its size. */
  size: number;
  /** The first `runs` runs' rows are the previous build's, which ended them at `ends`, in a file of `size` bytes; null: none are. */
  kept: { runs: number; ends: Float64Array; size: number } | null;
}

/** What the rows of one writing of the file are made by (a new one each time the file is made). */
export interface RowMaker {
  /** Run `i`'s row. */
  row(i: number): string;
  /** Run `i`'s row is the previous build's: what the rows after it need of it (names it numbered). */
  keep?(i: number): void;
  /** What follows the rows, once they are all made. */
  tail?(): string;
}

/**
 * A file of `head`, a row for each of `runs` runs and a tail, made in pieces of `perPiece` rows.
 * With `ends`, each row's end and the file's size are noted as it is written, and when the
 * previous build's file holds the first rows (`ends.kept`), a rebuild copies them and makes only
 * the rows after them (StreamedContent's `head`): the list order puts new runs last.
 */
export function rowFile(head: string, runs: number, maker: () => RowMaker, ends?: RowEnds, perPiece = 1): StreamedContent {
  const kept = ends?.kept ?? null;
  if (ends && ends.ends.length !== runs) throw new Error('a file of rows needs one row end a run');
  if (kept !== null && !(kept.runs >= 1 && kept.runs <= runs && kept.runs <= kept.ends.length)) throw new Error('the kept rows are not those of the runs to write');
  // The rows from run `first` on, after `at` bytes, then the tail.
  function* from(first: number, at: number, m: RowMaker): Generator<string> {
    for (let start = first; start < runs; start += perPiece) {
      let piece = '';
      const to = Math.min(runs, start + perPiece);
      for (let i = start; i < to; i++) {
        const row = m.row(i);
        if (ends) ends.ends[i] = at += Buffer.byteLength(row, 'utf8');
        piece += row;
      }
      yield piece;
    }
    const tail = m.tail?.() ?? '';
    if (ends) ends.size = at + Buffer.byteLength(tail, 'utf8');
    if (tail !== '') yield tail;
  }
  return {
    *chunks() {
      yield head;
      yield* from(0, Buffer.byteLength(head, 'utf8'), maker());
    },
    ...(kept === null || !ends
      ? {}
      : {
          head: {
            bytes: kept.ends[kept.runs - 1]!,
            size: kept.size,
            rest: () => {
              ends.ends.set(kept.ends.subarray(0, kept.runs));
              const m = maker();
              for (let i = 0; i < kept.runs; i++) m.keep?.(i);
              return from(kept.runs, kept.ends[kept.runs - 1]!, m);
            },
          },
        }),
  };
}
