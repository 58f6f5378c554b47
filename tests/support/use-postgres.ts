/**
 * One throw-away PostgreSQL for a test file's store tests: started before them, stopped after.
 * Call at the top level of the file; read `.current` inside the tests.
 */
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from './postgres';

export function usePostgres(): { readonly current: TestPostgres | null } {
  const ref: { current: TestPostgres | null } = { current: null };
  beforeAll(async () => {
    ref.current = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await ref.current?.stop();
  });
  return ref;
}
