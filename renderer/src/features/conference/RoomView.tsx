/**
 * The room: the tiles in the chosen layout (paged grid, speaker view, chair focus; screen shares on
 * the stage), a feature's side panel, the overlays, everyone's sound, and the toolbar.
 */
import { Alert, Badge, Box, Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConferenceEngine } from './conference-engine';
import { pinStore, usePins } from './layouts/pins';
import { RoomStage } from './layouts/RoomStage';
import { TileViewRegistry, TileViewsContext } from './layouts/tile-views';
import { FallbackBanner } from './link/FallbackBanner';
import { LinkIndicator } from './link/LinkIndicator';
import { RoomAudio } from './RoomAudio';
import type { RoomFeatureProps, RoomFeatures } from './room-panels';
import { useRoomPreferences } from './room-preferences';
import type { RoomTileContext } from './RoomTile';
import { RoomToolbar } from './RoomToolbar';
import { SidePanel } from './SidePanel';
import { useConferenceShallow } from './use-conference';
import { useKeepMeeting } from './keep-meeting';
import { LeaveGuard } from './LeaveGuard';

export function RoomView({
  engine,
  features,
  title,
  displayName,
  pointName,
  chairAccountId = null,
}: {
  engine: ConferenceEngine;
  /** The features' panels and overlays (composed in app/room-features.ts). */
  features: RoomFeatures;
  title: string;
  displayName: string;
  pointName: string;
  /** The meeting's chair (account id): their tile is large in the chair focus layout. */
  chairAccountId?: string | null;
}) {
  const { t } = useTranslation();
  // The room itself follows only these; tiles, toolbar and panels subscribe to their own slices.
  const state = useConferenceShallow(engine, (s) => ({ status: s.status, meetingId: s.meetingId, peerCount: s.peers.length }));
  const prefs = useRoomPreferences();
  // The screen stays on, and closing or reloading asks first, while in the meeting.
  const live = state.status === 'joined' || state.status === 'reconnecting';
  useKeepMeeting(live);
  const total = state.peerCount + 1;
  const [panelId, setPanelId] = useState<string | null>(null);
  const panel = features.panels.find((p) => p.id === panelId) ?? null;
  const featureProps: RoomFeatureProps = { engine, meetingId: state.meetingId };
  // Pins live in a small store (layouts/pins.ts): the chair's points list can pin a point too.
  const pinned = usePins(engine);
  const onTogglePin = pinStore(engine).toggle;
  const registry = useMemo(() => new TileViewRegistry((views) => engine.setTileViews(views), 50), [engine]);
  useEffect(() => () => registry.dispose(), [registry]);

  const ctx: RoomTileContext = useMemo(() => ({ engine, displayName, pointName, pinned, onTogglePin }), [engine, displayName, pointName, pinned, onTogglePin]);

  return (
    <Stack h="100%" gap={0} pos="relative">
      <Group justify="space-between" px="md" py="xs">
        <Title order={1} size="h4" style={{ overflowWrap: 'anywhere' }}>
          {title}
        </Title>
        <Group gap="sm" wrap="nowrap">
          <LinkIndicator engine={engine} />
          <Badge variant="light" size="lg" data-testid="participant-count">
            {t('room.participants', { count: total })}
          </Badge>
        </Group>
      </Group>
      <FallbackBanner engine={engine} />
      {state.status === 'reconnecting' && (
        <Alert color="yellow" role="status" mx="md">
          {t('room.reconnecting')}
        </Alert>
      )}
      <Group flex={1} gap={0} align="stretch" wrap="nowrap" style={{ minHeight: 0 }}>
        <Stack flex={1} p="md" gap="xs" style={{ minHeight: 0, minWidth: 0 }}>
          {state.peerCount === 0 && (
            <Text c="dimmed" role="status">
              {t('room.alone')}
            </Text>
          )}
          <TileViewsContext.Provider value={registry}>
            <RoomStage layout={prefs.layout} tilesPerPage={prefs.tilesPerPage} chairAccountId={chairAccountId} ctx={ctx} />
          </TileViewsContext.Provider>
        </Stack>
        {panel && <SidePanel panel={panel} props={featureProps} onClose={() => setPanelId(null)} />}
      </Group>
      {features.overlays.map((Overlay, i) => (
        <Overlay key={i} {...featureProps} />
      ))}
      <RoomAudio engine={engine} />
      {/* Moving elsewhere in the app asks first, too. */}
      <LeaveGuard live={live} />
      <RoomToolbar engine={engine} panels={features.panels} actions={features.actions} featureProps={featureProps} panelId={panelId} onPanel={setPanelId} />
    </Stack>
  );
}
