/**
 * Meeting chat: one public line to everyone in the meeting, and a private line between each
 * participant and the meeting's secretary (the secretary sees every private thread apart).
 */
import { z } from 'zod';

export const CHAT_MAX_LENGTH = 2000;
/** How many messages one account may post per window, and the window (ms). */
export const CHAT_RATE = { messages: 5, windowMs: 10_000 } as const;
/** Messages of history a client gets on join, per line. */
export const CHAT_HISTORY_LIMIT = 200;

export const ChatMessage = z.object({
  id: z.string(),
  /** 'all' for the public line, else the participant's account id of a private thread with the secretary. */
  thread: z.string(),
  senderId: z.string(),
  senderName: z.string(),
  /** The sender's bridge point, or ''. */
  pointName: z.string(),
  body: z.string(),
  at: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

const Body = z
  .string()
  .trim()
  .min(1, 'empty message')
  .max(CHAT_MAX_LENGTH)
  .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/u, 'contains control characters');

export const chatRequests = {
  /**
   * The joined meeting's chat: the public line, and the caller's private thread with the secretary
   * (the secretary gets every thread). `canPost` false for observers.
   */
  'chat.history': {
    request: z.strictObject({}),
    response: z.object({ messages: z.array(ChatMessage), canPost: z.boolean(), secretaryId: z.string(), secretaryName: z.string() }),
  },
  /** `to`: 'all', or 'secretary' (a participant's private line); the secretary answers with the participant's account id. */
  'chat.send': {
    request: z.strictObject({ to: z.union([z.literal('all'), z.literal('secretary'), z.string().uuid()]), body: Body }),
    response: ChatMessage,
  },
} as const;

export interface ChatNotifications {
  chatMessage: ChatMessage;
}
