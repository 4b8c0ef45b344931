/**
 * Which folders of a site are real folders, reached through no symbolic link: a file listed in a
 * manifest is only ever deleted (remove-listed.ts) or reused (reuse-file.ts) under such folders,
 * never in one a link planted in the site leads elsewhere. Each folder is checked once.
 */

import { lstatSync } from 'node:fs';
import path from 'node:path';

export class RealDirs {
  private readonly known = new Map<string, boolean>([['', true]]);

  constructor(private readonly root: string) {}

  /** Whether the folder holding the site path `file` (relative, POSIX) is a real folder under the root. */
  holds(file: string): boolean {
    return this.isReal(parentOf(file));
  }

  /** The real folders seen so far (relative, the root left out). */
  seen(): string[] {
    return [...this.known].filter(([rel, ok]) => ok && rel !== '').map(([rel]) => rel);
  }

  private isReal(rel: string): boolean {
    let ok = this.known.get(rel);
    if (ok === undefined) {
      ok = this.isReal(parentOf(rel)) && lstatIsDir(path.join(this.root, rel));
      this.known.set(rel, ok);
    }
    return ok;
  }
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

export function lstatIsDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}
