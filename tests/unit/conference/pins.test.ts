import { describe, expect, it } from 'vitest';
import { PinStore } from '../../../renderer/src/features/conference/layouts/pins';

describe('pins shared by the tiles and the points list', () => {
  it('toggles a tile key and tells the listeners', () => {
    const store = new PinStore();
    let told = 0;
    const stop = store.subscribe(() => told++);
    store.toggle('peer-1:webcam');
    store.toggle('peer-2:webcam');
    expect(store.get()).toEqual(['peer-1:webcam', 'peer-2:webcam']);
    store.toggle('peer-1:webcam');
    expect(store.get()).toEqual(['peer-2:webcam']);
    expect(told).toBe(3);
    stop();
    store.toggle('peer-3:webcam');
    expect(told).toBe(3);
  });
});
