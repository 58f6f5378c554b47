/**
 * What features add to the conference screen, without editing RoomView:
 * - side panels (documents, speaker queue, votes, chat, points...): a toolbar button opens each one
 *   in the side column;
 * - overlays (a ballot when a vote opens, the speaking timer...): always mounted over the room.
 * A feature adds one entry here; its component gets the engine and talks to the server through
 * `engine.request` / `engine.on` / `engine.onJoined`.
 */
import { IconBroadcast, IconBuildingBroadcastTower, IconChecklist, IconClipboardCheck, IconHandStop, IconMessageCircle, IconPlayerRecord } from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { documentsPanel, documentsViewerOverlay } from '../documents/register';
import { ChatPanel, useChatBadge } from '../chat/ChatPanel';
import { BallotOverlay, useVotesBadge } from '../voting/BallotOverlay';
import { VotesPanel } from '../voting/VotesPanel';
import { AttendancePanel } from '../attendance/AttendancePanel';
import { QuorumBadge } from '../attendance/QuorumBadge';
import { FloorOverlay } from '../floor/FloorOverlay';
import { FloorPanel } from '../floor/FloorPanel';
import { useFloorBadge, useIsManager } from '../floor/panel-hooks';
import { PointsPanel } from '../points/PointsPanel';
import { MicDiscipline } from '../microphone/MicDiscipline';
import { BroadcastIndicator, BroadcastPanel } from '../broadcast/room-broadcast';
import { RecordingIndicator, RecordingPanel } from '../recording/room-recording';
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

/** In toolbar order. */
export const ROOM_PANELS: RoomPanel[] = [
  // The roll call of bridge points (connected, picture, sound).
  { id: 'points', labelKey: 'points.title', icon: IconBuildingBroadcastTower, Component: PointsPanel },
  documentsPanel,
  { id: 'floor', labelKey: 'floor.panel', icon: IconHandStop, Component: FloorPanel, useBadge: useFloorBadge },
  { id: 'votes', labelKey: 'voting.panel', icon: IconChecklist, Component: VotesPanel, useBadge: useVotesBadge },
  { id: 'chat', labelKey: 'chat.panel', icon: IconMessageCircle, Component: ChatPanel, useBadge: useChatBadge },
  { id: 'attendance', labelKey: 'attendance.panel', icon: IconClipboardCheck, Component: AttendancePanel, useVisible: useIsManager },
  // Phát trực tiếp: the chair's and secretary's switch; everyone sees the state.
  { id: 'broadcast', labelKey: 'broadcast.title', icon: IconBroadcast, Component: BroadcastPanel },
  // Ghi hình: the chair's and secretary's start/stop; everyone sees the state.
  { id: 'recording', labelKey: 'recording.title', icon: IconPlayerRecord, Component: RecordingPanel },
];

/** Mounted over the room all the time (they decide themselves when to show something). */
export const ROOM_OVERLAYS: ComponentType<RoomFeatureProps>[] = [
  documentsViewerOverlay,
  BallotOverlay,
  FloorOverlay,
  QuorumBadge,
  // Space to talk, M / V / ?, the "talking while muted" hint.
  MicDiscipline,
  // "Đang phát trực tiếp" while the broadcast is on.
  BroadcastIndicator,
  // "Đang ghi hình" while the meeting is recorded.
  RecordingIndicator,
];
