import { BadRequestException } from '@nestjs/common';

/** A cursor page: next_cursor is null on the last page. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Rows were fetched with LIMIT limit + 1: the extra row only tells that there is a next page. */
export function pageOf<R extends { id: number }, T>(rows: R[], limit: number, view: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(view), next_cursor: more ? String(items[items.length - 1].id) : null };
}

export function decodeCursor(cursor: string): number {
  const id = Number(cursor);
  if (!Number.isSafeInteger(id) || id < 0) throw new BadRequestException('cursor must be the next_cursor of a previous page');
  return id;
}
