/**
 * What features add to the conference screen, without editing RoomView:
 * - side panels (documents, speaker queue, votes, chat, points...): a toolbar button opens each one
 *   in the side column;
 * - overlays (a ballot when a vote opens, the speaking timer...): always mounted over the room.
 * A feature adds one entry here; its component gets the engine and talks to the server through
 * `engine.request` / `engine.on` / `engine.onJoined`.
 */
import type { ComponentType } from 'react';
import { documentsPanel, documentsViewerOverlay } from '../documents/register';
import type { ConferenceEngine } from './conference-engine';

export interface RoomFeatureProps {
  engine: ConferenceEngine;
  meetingId: string;
}

export interface RoomPanel {
  id: string;
  /** i18n key of the button label and panel title. */
  labelKey: string;
  icon: ComponentType<{ size?: number | string }>;
  Component: ComponentType<RoomFeatureProps>;
  /** A small number on the button (unread messages, people waiting); optional. */
  useBadge?: (props: RoomFeatureProps) => number;
}

/** In toolbar order. */
export const ROOM_PANELS: RoomPanel[] = [documentsPanel];

/** Mounted over the room all the time (they decide themselves when to show something). */
export const ROOM_OVERLAYS: ComponentType<RoomFeatureProps>[] = [documentsViewerOverlay];
