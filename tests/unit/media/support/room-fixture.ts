/**
 * A room on a real mediasoup worker for the media unit tests: the worker (started once per file),
 * a room on a fresh router, and peers that record the notifications they are sent.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll } from 'vitest';
import { resolveWorkerBin } from '../../../../scripts/mediasoup-worker/worker-path.mjs';
import type { Notifications } from '../../../../common/protocol';
import { mediaCodecs } from '../../../../sfu-server/src/media/media-codecs';
import { Peer } from '../../../../sfu-server/src/media/peer';
import { Room } from '../../../../sfu-server/src/media/room';
import { createLogger } from '../../../../sfu-server/src/observability/logger';

/** Starts one worker for the calling test file (closed after it); returns a getter for it. */
export function useWorker(): () => types.Worker {
  let worker: types.Worker | undefined;
  beforeAll(async () => {
    const workerBin = process.env.MEDIASOUP_WORKER_BIN ?? resolveWorkerBin(process.cwd()) ?? undefined;
    worker = await mediasoup.createWorker({ logLevel: 'error', ...(workerBin ? { workerBin } : {}) });
  });
  afterAll(() => worker?.close());
  return () => {
    if (!worker) throw new Error('worker not started yet');
    return worker;
  };
}

/** A room of up to three on a new router of `worker`. */
export async function newRoom(worker: types.Worker, onEmpty: (r: Room) => void = () => {}): Promise<Room> {
  const router = await worker.createRouter({ mediaCodecs });
  return new Room({
    name: 'phong-thu',
    router,
    maxPeers: 3,
    logger: createLogger('silent'),
    onEmpty,
    transport: { listenIp: '127.0.0.1', announcedAddress: undefined, portRange: { min: 45000, max: 45999 }, initialAvailableOutgoingBitrate: 600_000 },
  });
}

/** A peer whose notifications are kept in `received`. */
export function recordingPeer(id: string, fields: { level?: 'province' | 'district' | 'commune'; headcount?: number } = {}) {
  const received: { name: string; data: unknown }[] = [];
  const peer = new Peer({
    id,
    accountId: `account-${id}`,
    role: 'delegate',
    displayName: `Người ${id}`,
    pointName: `Điểm ${id}`,
    unitName: 'UBND tỉnh',
    level: fields.level ?? 'province',
    headcount: fields.headcount ?? 20,
    notify: <N extends keyof Notifications>(name: N, data: Notifications[N]) => void received.push({ name, data }),
  });
  return { peer, received };
}
