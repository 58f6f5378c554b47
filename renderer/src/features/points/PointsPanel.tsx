/**
 * "Điểm cầu": every bridge point invited to the meeting and its state — not connected, connected,
 * picture OK, sound OK — with the counts on top, for the roll call of points before the start.
 * Organisers see picture and sound, and which points have a poor link now and since when (the
 * server's judgement, sfu-server/src/points/link-monitor.ts); the others see who is connected.
 *
 * For tests: a row is `getByTestId('point-row')` (with `data-link="good|fair|poor"` for
 * organisers); a poor link shows `getByTestId('point-link-poor')` in that row, whose accessible
 * name is "Đường truyền yếu từ HH:MM" / "Poor link since HH:MM".
 */
import { Alert, Badge, Box, Group, Loader, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PointStatus } from '../../../../common/protocol';
import { errorMessage } from '../../app/i18n';
import { clockTime } from '../conference/link/clock-time';
import type { RoomFeatureProps } from '../conference/room-panels';
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
    const q = query.trim().toLocaleLowerCase('vi');
    return (data?.points ?? []).filter((p) => {
      if (q && !`${p.name} ${p.unitName}`.toLocaleLowerCase('vi').includes(q)) return false;
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
      <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('points.title')}>
        {shown.map((p) => (
          <PointRow key={p.pointId} point={p} diagnostics={data.diagnostics} />
        ))}
      </Stack>
    </Stack>
  );
}

function PointRow({ point, diagnostics }: { point: PointStatus; diagnostics: boolean }) {
  const { t, i18n } = useTranslation();
  const link = diagnostics ? point.link : null;
  const details = [point.unitName, point.level ? t(`unitLevels.${point.level}`) : null, point.headcount ? t('room.headcount', { count: point.headcount }) : null].filter(Boolean).join(' · ');
  return (
    <Box
      component="li"
      p="xs"
      data-testid="point-row"
      data-connected={point.connected}
      data-picture={point.picture ?? undefined}
      data-sound={point.sound ?? undefined}
      data-link={link?.quality ?? undefined}
      style={{ borderRadius: 6, border: link?.quality === 'poor' ? '2px solid var(--mantine-color-red-6)' : '1px solid var(--mantine-color-gray-3)' }}
    >
      <Text size="sm" fw={600} data-testid="point-name" style={{ overflowWrap: 'anywhere' }}>
        {point.name}
      </Text>
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
