/**
 * "Điểm cầu": every bridge point invited to the meeting and its state — not connected, connected,
 * picture OK, sound OK — with the counts on top, for the roll call of points before the start.
 * Organisers see picture and sound, and which points have a poor link now and since when (the
 * server's judgement, sfu-server/src/points/link-monitor.ts); the others see who is connected.
 *
 * For tests: a row is `getByTestId('point-row')` (with `data-link="good|fair|poor"` for
 * organisers); a poor link shows `getByTestId('point-link-poor')` in that row, whose accessible
 * name is "Đường truyền yếu từ HH:MM" / "Poor link since HH:MM".
 *
 * The list is virtualised (@tanstack/react-virtual: a province's 300 points mount only the rows in
 * view, measured as they render); its search ignores diacritics and case (fold-text.ts) and says
 * when nothing matches. A raised hand (a waiting floor request) shows in the point's row; the
 * chair can give the floor, mute, or pin the point's tile from the row's menu.
 */
import { ActionIcon, Alert, Badge, Box, Group, Loader, Menu, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconDotsVertical, IconMicrophoneOff, IconPin, IconPinnedOff, IconSearch, IconSpeakerphone } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PointStatus } from '../../../../common/protocol';
import { errorMessage } from '../../shared/errors';
import { clockTime } from '../conference/link/clock-time';
import type { ConferenceEngine } from '../conference/conference-engine';
import { tileKey } from '../conference/layouts/layout-model';
import { pinStore, usePins } from '../conference/layouts/pins';
import type { RoomFeatureProps } from '../conference/room-panels';
import { useConference } from '../conference/use-conference';
import { act } from '../floor/floor-actions';
import { isManager, useFloor } from '../floor/floor-store';
import { RaisedHand } from '../floor/RaisedHand';
import { foldedMatcher } from './fold-text';
import { usePointsStatus } from './use-points-status';

type Filter = 'all' | 'offline' | 'problem';

const PICTURE_COLOR = { ok: 'green', off: 'orange', missing: 'red' } as const;
const SOUND_COLOR = { ok: 'green', muted: 'orange', missing: 'red' } as const;

export function PointsPanel({ engine }: RoomFeatureProps) {
  const { t } = useTranslation();
  const { data, error } = usePointsStatus(engine);
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');

  const shown = useMemo(() => {
    const matches = foldedMatcher(query);
    return (data?.points ?? []).filter((p) => {
      if (!matches(`${p.name} ${p.unitName}`)) return false;
      if (filter === 'offline') return !p.connected;
      if (filter === 'problem') return !p.connected || (data?.diagnostics === true && (p.picture !== 'ok' || p.sound !== 'ok' || p.link?.quality === 'poor'));
      return true;
    });
  }, [data, filter, query]);

  if (!data)
    return error ? (
      <Alert color="red" role="alert">
        {errorMessage(error)}
      </Alert>
    ) : (
      <Group justify="center" py="md">
        <Loader size="sm" aria-label={t('common.loading')} />
      </Group>
    );

  const { counts } = data;
  const poorLinks = data.diagnostics ? data.points.filter((p) => p.link?.quality === 'poor').length : 0;
  return (
    <Stack gap="sm">
      <Box data-testid="points-counts" role="status">
        <Text fw={700} size="lg" data-testid="points-connected">
          {t('points.connectedCount', { connected: counts.connected, invited: counts.invited })}
        </Text>
        {counts.picture !== null && counts.sound !== null && (
          <Group gap="xs">
            <Badge color="green" variant="light" data-testid="points-picture-count">
              {t('points.pictureCount', { count: counts.picture })}
            </Badge>
            <Badge color="green" variant="light" data-testid="points-sound-count">
              {t('points.soundCount', { count: counts.sound })}
            </Badge>
            {poorLinks > 0 && (
              <Badge color="red" variant="filled" data-testid="points-poor-count">
                {t('points.poorLinkCount', { count: poorLinks })}
              </Badge>
            )}
          </Group>
        )}
      </Box>
      {error !== null && (
        <Text size="xs" c="red">
          {errorMessage(error)}
        </Text>
      )}
      <TextInput leftSection={<IconSearch size={14} />} placeholder={t('points.search')} aria-label={t('points.search')} value={query} onChange={(e) => setQuery(e.currentTarget.value)} />
      <SegmentedControl
        size="xs"
        value={filter}
        onChange={(v) => setFilter(v as Filter)}
        data={[
          { value: 'all', label: t('points.filter.all') },
          { value: 'offline', label: t('points.filter.offline') },
          ...(data.diagnostics ? [{ value: 'problem', label: t('points.filter.problem') }] : []),
        ]}
        aria-label={t('points.filter.label')}
      />
      {data.points.length === 0 && <Text c="dimmed">{t('points.none')}</Text>}
      {data.points.length > 0 && shown.length === 0 && (
        <Text c="dimmed" role="status" data-testid="points-no-match">
          {query.trim() ? t('points.noMatch', { query: query.trim() }) : t('points.shown', { shown: 0, total: data.points.length })}
        </Text>
      )}
      <PointList engine={engine} points={shown} diagnostics={data.diagnostics} />
    </Stack>
  );
}

/** Only the rows in view are mounted; each is measured once rendered (rows differ in height). */
function PointList({ engine, points, diagnostics }: { engine: ConferenceEngine; points: PointStatus[]; diagnostics: boolean }) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: points.length, getScrollElement: () => scroller.current, estimateSize: () => 76, overscan: 6, getItemKey: (i) => points[i]?.pointId ?? i });
  return (
    <Box ref={scroller} data-testid="points-scroller" style={{ height: 'max(240px, calc(100dvh - 380px))', overflowY: 'auto', contain: 'strict' }}>
      <Box component="ul" m={0} p={0} aria-label={t('points.title')} style={{ listStyle: 'none', position: 'relative', height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const point = points[row.index]!;
          return (
            <Box component="li" key={row.key} data-index={row.index} ref={virtualizer.measureElement} pb={4} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}>
              <PointRow engine={engine} point={point} diagnostics={diagnostics} />
            </Box>
          );
        })}
      </Box>
    </Box>
  );
}

function PointRow({ engine, point, diagnostics }: { engine: ConferenceEngine; point: PointStatus; diagnostics: boolean }) {
  const { t, i18n } = useTranslation();
  const peers = useConference(engine, (s) => s.peers);
  const accountId = point.peerId ? (peers.find((p) => p.info.id === point.peerId)?.info.accountId ?? null) : null;
  const link = diagnostics ? point.link : null;
  const details = [point.unitName, point.level ? t(`unitLevels.${point.level}`) : null, point.headcount ? t('room.headcount', { count: point.headcount }) : null].filter(Boolean).join(' · ');
  return (
    <Box
      p="xs"
      data-testid="point-row"
      data-connected={point.connected}
      data-picture={point.picture ?? undefined}
      data-sound={point.sound ?? undefined}
      data-link={link?.quality ?? undefined}
      style={{ borderRadius: 6, border: link?.quality === 'poor' ? '2px solid var(--mantine-color-red-6)' : '1px solid var(--mantine-color-gray-3)' }}
    >
      <Group gap={6} wrap="nowrap" justify="space-between" align="flex-start">
        <Text size="sm" fw={600} data-testid="point-name" style={{ overflowWrap: 'anywhere' }}>
          {point.name}
        </Text>
        <Group gap={4} wrap="nowrap">
          <RaisedHand engine={engine} accountId={accountId} size="xs" />
          {accountId && point.peerId && <PointActions engine={engine} name={point.name} peerId={point.peerId} accountId={accountId} />}
        </Group>
      </Group>
      {details && (
        <Text size="xs" c="dimmed">
          {details}
        </Text>
      )}
      <Group gap={4} mt={4}>
        <Badge size="sm" color={point.connected ? 'blue' : 'gray'} variant={point.connected ? 'filled' : 'outline'} data-testid="point-connection">
          {point.connected ? t('points.connected') : t('points.notConnected')}
        </Badge>
        {diagnostics && point.picture && (
          <Badge size="sm" color={PICTURE_COLOR[point.picture]} variant="light" data-testid="point-picture">
            {t(`points.picture.${point.picture}`)}
          </Badge>
        )}
        {diagnostics && point.sound && (
          <Badge size="sm" color={SOUND_COLOR[point.sound]} variant="light" data-testid="point-sound">
            {t(`points.sound.${point.sound}`)}
          </Badge>
        )}
        {link && link.quality === 'poor' && (
          <Badge size="sm" color="red" variant="filled" data-testid="point-link-poor" aria-label={t('points.link.poorSince', { since: clockTime(link.since, i18n.language) })}>
            {t('points.link.poorSince', { since: clockTime(link.since, i18n.language) })}
          </Badge>
        )}
        {link && link.quality === 'fair' && (
          <Badge size="sm" color="yellow" variant="light" data-testid="point-link-fair">
            {t('points.link.fair')}
          </Badge>
        )}
        {link && link.fallback !== 'none' && (
          <Badge size="sm" color="orange" variant="light" data-testid="point-link-fallback">
            {t(`points.link.fallback.${link.fallback}`)}
          </Badge>
        )}
      </Group>
    </Box>
  );
}

/** The chair's menu on a connected point's row: give the floor, mute, pin its tile. */
function PointActions({ engine, name, peerId, accountId }: { engine: ConferenceEngine; name: string; peerId: string; accountId: string }) {
  const { t } = useTranslation();
  const { state } = useFloor(engine);
  const self = useConference(engine, (s) => s.self);
  const pins = usePins(engine);
  if (!isManager(state, self)) return null;
  const key = tileKey(peerId, 'webcam');
  const pinned = pins.includes(key);
  const holder = state?.holder?.accountId === accountId;
  return (
    <Menu position="bottom-end" withinPortal shadow="md">
      <Menu.Target>
        <ActionIcon variant="subtle" size="sm" aria-label={t('points.actions', { name })} data-testid="point-actions">
          <IconDotsVertical size={14} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {!holder && (
          <Menu.Item leftSection={<IconSpeakerphone size={16} />} onClick={() => void act(engine, 'floor.give', { accountId })}>
            {t('points.give')}
          </Menu.Item>
        )}
        <Menu.Item leftSection={<IconMicrophoneOff size={16} />} onClick={() => void act(engine, 'moderation.mute', { accountId })}>
          {t('points.mute')}
        </Menu.Item>
        <Menu.Item leftSection={pinned ? <IconPinnedOff size={16} /> : <IconPin size={16} />} onClick={() => pinStore(engine).toggle(key)}>
          {pinned ? t('points.unpin') : t('points.pin')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
