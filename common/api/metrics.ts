/** GET /api/metrics: what operators of the server see about its media (admins only). */
import { z } from 'zod';

export const WorkerMetrics = z.object({
  index: z.number().int(),
  pid: z.number().int(),
  alive: z.boolean(),
  /** Routers on this worker (one per room, more for rooms spread over several workers). */
  routers: z.number().int(),
  /** CPU time used since the worker started, seconds (user + system). */
  cpuSeconds: z.number(),
  /** Share of one core used since the previous reading (0..1), null on the first reading. */
  cpuRatio: z.number().nullable(),
  maxRssBytes: z.number(),
});
export type WorkerMetrics = z.infer<typeof WorkerMetrics>;

export const RoomMetrics = z.object({
  meetingId: z.string(),
  participants: z.number().int(),
  producers: z.object({ audio: z.number().int(), video: z.number().int() }),
  consumers: z.number().int(),
  /** Consumers whose media flows now (not paused by the policy, the client or the sender). */
  consumersForwarding: z.number().int(),
  /** Worker indexes of the room's routers, main router first. */
  workers: z.array(z.number().int()),
  /** Bits per second received from participants and sent to them (WebRTC transports). */
  bitrateIn: z.number(),
  bitrateOut: z.number(),
  activeSpeaker: z.string().nullable(),
});
export type RoomMetrics = z.infer<typeof RoomMetrics>;

export const MediaMetrics = z.object({
  at: z.string(),
  process: z.object({ pid: z.number().int(), cpuSeconds: z.number(), rssBytes: z.number() }),
  /** p99 and max of the server's main-thread event-loop delay over the last 10–20 s, milliseconds. */
  eventLoopDelayP99Ms: z.number().optional(),
  eventLoopDelayMaxMs: z.number().optional(),
  /** The PDF worker threads (pdf-jobs/): jobs now, and outcomes since the start. */
  pdfJobs: z
    .object({ running: z.number().int(), waiting: z.number().int(), completed: z.number().int(), refusedBusy: z.number().int(), refusedAccount: z.number().int(), stoppedCpu: z.number().int(), stoppedMemory: z.number().int(), refusedDecoded: z.number().int() })
    .optional(),
  workers: z.array(WorkerMetrics),
  rooms: z.array(RoomMetrics),
});
export type MediaMetrics = z.infer<typeof MediaMetrics>;
