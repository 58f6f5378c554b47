/**
 * Where a person left each document and the pages they bookmarked: on this device only
 * (localStorage), per account and per document (not per version: a new version reopens at the
 * same page). What is read back is checked, since storage can hold anything.
 */
import { z } from 'zod';

const ReadingState = z.object({
  page: z.number().int().min(1).max(100_000),
  bookmarks: z.array(z.number().int().min(1).max(100_000)).max(1000),
});
export type ReadingState = z.infer<typeof ReadingState>;

const EMPTY: ReadingState = { page: 1, bookmarks: [] };

/** The storage it uses: window.localStorage in the app, a map in tests. */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const readingKey = (accountId: string, documentId: string) => `phonghop.reading.${accountId}.${documentId}`;

export function readReading(store: KeyValue | null, accountId: string, documentId: string): ReadingState {
  if (!store) return EMPTY;
  try {
    const raw = store.getItem(readingKey(accountId, documentId));
    if (!raw) return EMPTY;
    const parsed = ReadingState.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : EMPTY;
  } catch {
    return EMPTY;
  }
}

export function writeReading(store: KeyValue | null, accountId: string, documentId: string, state: ReadingState): void {
  if (!store) return;
  try {
    store.setItem(readingKey(accountId, documentId), JSON.stringify({ page: state.page, bookmarks: [...new Set(state.bookmarks)].sort((a, b) => a - b) }));
  } catch {
    // Storage full or refused (private mode): reading goes on without remembering.
  }
}

/** Adds the page to the bookmarks, or removes it when it is there. */
export function toggleBookmark(bookmarks: readonly number[], page: number): number[] {
  return bookmarks.includes(page) ? bookmarks.filter((p) => p !== page) : [...bookmarks, page].sort((a, b) => a - b);
}

export function browserStorage(): KeyValue | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}
