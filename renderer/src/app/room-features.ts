/**
 * The composition root of the conference screen: which features' panels and overlays the room
 * shows (the shapes are in `features/conference/room-panels.ts`). A feature adds one entry here;
 * RoomView gets this list from App, so the room never imports the features.
 * Panels whose module holds nothing the toolbar needs at once (badges, visibility) load when first
 * opened (React.lazy; SidePanel shows a loader meanwhile): the points panel with its virtualised
 * list, the floor, votes and attendance panels stay out of the download that precedes joining.
 */
import { IconBroadcast, IconBuildingBroadcastTower, IconChecklist, IconClipboardCheck, IconHandStop, IconKeyboard, IconMessageCircle, IconPlayerRecord } from '@tabler/icons-react';
import { lazy } from 'react';
import { QuorumBadge } from '../features/attendance/QuorumBadge';
import { BroadcastIndicator, BroadcastPanel } from '../features/broadcast/room-broadcast';
import { ChatPanel, useChatBadge } from '../features/chat/ChatPanel';
import type { RoomFeatures } from '../features/conference/room-panels';
import { documentsPanel, documentsViewerOverlay } from '../features/documents/register';
import { FloorOverlay } from '../features/floor/FloorOverlay';
import { useFloorBadge, useIsManager } from '../features/floor/panel-hooks';
import { MicDiscipline } from '../features/microphone/MicDiscipline';
import { shortcutSheet } from '../features/microphone/shortcut-sheet';
import { RecordingIndicator, RecordingPanel } from '../features/recording/room-recording';
import { BallotOverlay, useVotesBadge } from '../features/voting/BallotOverlay';

const PointsPanel = lazy(() => import('../features/points/PointsPanel').then((m) => ({ default: m.PointsPanel })));
const FloorPanel = lazy(() => import('../features/floor/FloorPanel').then((m) => ({ default: m.FloorPanel })));
const VotesPanel = lazy(() => import('../features/voting/VotesPanel').then((m) => ({ default: m.VotesPanel })));
const AttendancePanel = lazy(() => import('../features/attendance/AttendancePanel').then((m) => ({ default: m.AttendancePanel })));

export const ROOM_FEATURES: RoomFeatures = {
  /** In toolbar order. */
  panels: [
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
  ],
  actions: [
    // The keyboard shortcuts (Space, M, V, ?), also for those who do not know to press '?'.
    { id: 'shortcuts', labelKey: 'mic.shortcutsButton', icon: IconKeyboard, run: () => shortcutSheet.open() },
  ],
  overlays: [
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
  ],
};
