import { constants } from 'node:fs';

/** Never write through a symbolic link planted where a page goes (POSIX only; Windows has no flag). */
export const WRITE_FLAGS =
  constants.O_NOFOLLOW === undefined ? 'w' : constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
