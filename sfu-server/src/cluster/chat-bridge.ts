/**
 * Chat across servers (issue 16, wiring step 3): a message stored by one server goes on the bus
 * after the insert; the others push it to their own peers it reaches (chat/chat-service.ts's
 * thread rule: everyone, the thread's participant, the secretary). The message is in the store
 * before it is published, so a receiver that missed it (`resync`) loses nothing: its clients read
 * the history again when they reconnect (`chat.history`).
 */
import { chatReaches } from '../chat/chat-service';
import type { Rooms } from '../media/rooms';
import type { Logger } from '../observability/logger';
import type { ChatMessage } from '../../../common/protocol/chat';
import type { MeetingEventBus } from './event-bus';

export class ChatBridge {
  constructor(
    readonly bus: MeetingEventBus,
    /** The rooms, once made (the chat service is made before them). */
    readonly rooms: () => Rooms | undefined,
    readonly logger: Logger,
  ) {
    bus.onEvent(({ meetingId, event }) => {
      if (event.type !== 'chat.message') return;
      const { message, secretaryId } = event;
      this.rooms()?.broadcast(meetingId, 'chatMessage', message, (peer) => chatReaches(message.thread, peer.identity.accountId, secretaryId));
    });
  }

  /** ChatService's `onStored`: tells the other servers of the meeting. */
  stored = (meetingId: string, secretaryId: string, message: ChatMessage): void => {
    this.bus.publish(meetingId, { type: 'chat.message', secretaryId, message }).catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message }, meetingId }, 'cluster chat: message not relayed (stored; the others read it with the history)'));
  };
}
