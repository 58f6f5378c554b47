/**
 * The shapes through which features add to the conference screen, without editing RoomView:
 * - side panels (documents, speaker queue, votes, chat, points...): a toolbar button opens each one
 *   in the side column;
 * - overlays (a ballot when a vote opens, the speaking timer...): always mounted over the room.
 * Types only: the list itself is composed in `app/room-features.ts` (the composition root), so a
 * feature imports this module and the room never imports the features (every import points down).
 * A panel's component gets the engine and talks to the server through `engine.request` /
 * `engine.on` / `engine.onJoined`.
 */
import type { ComponentType } from 'react';
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
  /** Whether this participant gets the panel at all (e.g. organisers only); default: everyone. */
  useVisible?: (props: RoomFeatureProps) => boolean;
}

/** A toolbar button that does something at once (e.g. opens a dialog an overlay shows). */
export interface RoomAction {
  id: string;
  /** i18n key of the button's label. */
  labelKey: string;
  icon: ComponentType<{ size?: number | string }>;
  run: (props: RoomFeatureProps) => void;
}

/** What the room shows besides the tiles: the panels in toolbar order, actions, and the overlays. */
export interface RoomFeatures {
  panels: readonly RoomPanel[];
  /** Buttons after the device settings; in the "Thêm" menu on a compact toolbar. */
  actions: readonly RoomAction[];
  /** Mounted over the room all the time (they decide themselves when to show something). */
  overlays: readonly ComponentType<RoomFeatureProps>[];
}
