/** The viewer's drawing queue: one page at a time, nearest to the page being read first. */
import { expect, it } from 'vitest';
import { RenderQueue } from '../../../renderer/src/features/documents/render-queue';

it('draws one page at a time and serves the waiting page nearest to the one being read', async () => {
  let current = 1;
  const queue = new RenderQueue(() => current);
  const order: number[] = [];
  const releases = new Map<number, () => void>();
  const ask = (page: number) =>
    queue.turn(page).then((release) => {
      order.push(page);
      releases.set(page, release);
    });
  const first = ask(1);
  await first;
  const others = [ask(9), ask(3), ask(2)].map((p) => p.then(() => undefined));
  await Promise.resolve();
  expect(order).toEqual([1]);
  expect(queue.waiting).toBe(3);
  releases.get(1)!();
  await new Promise((r) => setTimeout(r, 0));
  expect(order).toEqual([1, 2]);
  // The reader jumped to page 8: page 9 is now the nearest.
  current = 8;
  releases.get(2)!();
  await new Promise((r) => setTimeout(r, 0));
  expect(order).toEqual([1, 2, 9]);
  releases.get(9)!();
  await Promise.all(others);
  expect(order).toEqual([1, 2, 9, 3]);
  releases.get(3)!();
  expect(queue.waiting).toBe(0);
});

it('a release called twice frees the queue once', async () => {
  const queue = new RenderQueue(() => 1);
  const release = await queue.turn(1);
  const next = queue.turn(2);
  release();
  release();
  const releaseNext = await next;
  let third = false;
  void queue.turn(3).then(() => (third = true));
  await new Promise((r) => setTimeout(r, 0));
  // Page 2 still holds the turn: the second call of the first release did not let page 3 in.
  expect(third).toBe(false);
  releaseNext();
  await new Promise((r) => setTimeout(r, 0));
  expect(third).toBe(true);
});
