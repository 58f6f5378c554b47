/**
 * Points join a few at a time, as bridge points do at the start of a conference (and so a bench's
 * hundreds of joins do not all hit the server in the same instant): `each` runs for `batch` items at
 * once, the next batch when all of those are done. `index` is the item's place in `items`.
 */
export async function joinInBatches<T>(items: readonly T[], each: (item: T, index: number) => Promise<void>, batch = 10): Promise<void> {
  for (let i = 0; i < items.length; i += batch) {
    await Promise.all(items.slice(i, i + batch).map((item, k) => each(item, i + k)));
  }
}
