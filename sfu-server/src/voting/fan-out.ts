/** One notification to many peers of a room: each distinct view is encoded once, not once per recipient. */
import type { Notifications } from '../../../common/protocol';
import { notificationFrame } from '../signaling/connection';
import type { PresentPeer } from './eligibility';

export class FanOut<N extends keyof Notifications> {
  readonly #name: N;
  readonly #frames = new Map<string, string>();

  constructor(name: N) {
    this.#name = name;
  }

  /** Sends `data()` to `peer`; peers given the same `key` get the same frame, encoded once. */
  send(peer: PresentPeer, key: string, data: () => Notifications[N]): void {
    if (!peer.sendFrame) return peer.notify(this.#name, data());
    let frame = this.#frames.get(key);
    if (frame === undefined) {
      frame = notificationFrame(this.#name, data());
      this.#frames.set(key, frame);
    }
    peer.sendFrame(frame);
  }
}
