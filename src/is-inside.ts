import path from 'node:path';

/** Whether `file` is `dir` or below it (both absolute and normalised); `/a/bc` is not inside `/a/b`. */
export const isInside = (dir: string, file: string): boolean => file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
