/**
 * "Phát biểu": ask to speak (with a topic) or withdraw; the speaker and the queue in order with
 * waiting times; for the chair and secretary: give and take the floor, controlled mode, time
 * limits, the host point, lock, mute all, re-admit removed participants.
 */
import { ActionIcon, Badge, Button, Card, Divider, Group, NumberInput, Select, Stack, Switch, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconHandStop, IconMicrophoneOff, IconPlayerStop, IconUserCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FloorState } from '../../../../common/protocol';
import type { ConferenceEngine } from '../conference/conference-engine';
import type { RoomFeatureProps } from '../conference/room-panels';
import { useConference } from '../conference/use-conference';
import { act } from './floor-actions';
import { floorStore, formatDuration, isManager, secondsSince, useFloor } from './floor-store';
import { useNow } from './use-now';

/** Roles that may ask to speak (the server's policy: guests and observers listen). */
const SPEAKING_ROLES = new Set(['admin', 'secretary', 'chair', 'delegate', 'operator']);

export function FloorPanel({ engine }: RoomFeatureProps) {
  const { t } = useTranslation();
  const { state } = useFloor(engine);
  const self = useConference(engine, (s) => s.self);
  useNow();
  if (!state || !self) return <Text c="dimmed">{t('floor.loading')}</Text>;
  const manager = isManager(state, self);
  const now = floorStore(engine).serverNow();
  return (
    <Stack gap="md" data-testid="floor-panel">
      <MyRequest engine={engine} state={state} accountId={self.accountId} role={self.role} />
      <Stack gap={4}>
        <Title order={3} size="h6">
          {t('floor.current')}
        </Title>
        {state.holder ? (
          <Group justify="space-between" wrap="nowrap" data-testid="floor-holder">
            <div>
              <Text fw={600}>{state.holder.pointName || state.holder.displayName}</Text>
              {state.holder.topic && <Text size="sm" c="dimmed">{state.holder.topic}</Text>}
              <Text size="xs" c="dimmed">{formatDuration(secondsSince(state.holder.startedAt, now))}</Text>
            </div>
            {manager && (
              <Button color="red" variant="light" leftSection={<IconPlayerStop size={16} />} onClick={() => void act(engine, 'floor.take', {})}>
                {t('floor.take')}
              </Button>
            )}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('floor.nobody')}
          </Text>
        )}
      </Stack>
      <Stack gap={4}>
        <Title order={3} size="h6">
          {t('floor.queue', { count: state.queue.length })}
        </Title>
        {state.queue.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('floor.queueEmpty')}
          </Text>
        )}
        <Stack gap={6} component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('floor.queueLabel')}>
          {state.queue.map((r, i) => (
            <Card key={r.id} component="li" withBorder p="xs" data-testid="floor-queue-item">
              <Group justify="space-between" wrap="nowrap">
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={600} truncate>
                    {i + 1}. {r.pointName || r.displayName}
                  </Text>
                  {r.pointName && (
                    <Text size="xs" c="dimmed" truncate>
                      {r.displayName}
                    </Text>
                  )}
                  {r.topic && (
                    <Text size="xs" truncate>
                      {r.topic}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed">
                    {t('floor.waiting', { time: formatDuration(secondsSince(r.requestedAt, now)) })}
                  </Text>
                </div>
                {manager && (
                  <Button size="xs" onClick={() => void act(engine, 'floor.give', { accountId: r.accountId })} aria-label={t('floor.giveTo', { name: r.pointName || r.displayName })}>
                    {t('floor.give')}
                  </Button>
                )}
              </Group>
            </Card>
          ))}
        </Stack>
      </Stack>
      {manager && (
        <>
          <Divider />
          <FloorSettingsForm engine={engine} state={state} />
          <Divider />
          <ModerationSection engine={engine} state={state} />
        </>
      )}
    </Stack>
  );
}

function MyRequest({ engine, state, accountId, role }: { engine: ConferenceEngine; state: FloorState; accountId: string; role: string }) {
  const { t } = useTranslation();
  const [topic, setTopic] = useState('');
  const [busy, setBusy] = useState(false);
  const position = state.queue.findIndex((r) => r.accountId === accountId);
  if (state.holder?.accountId === accountId)
    return (
      <Badge size="lg" color="green" data-testid="my-floor-status">
        {t('floor.youSpeak')}
      </Badge>
    );
  if (position >= 0)
    return (
      <Group justify="space-between">
        <Text size="sm" data-testid="my-floor-status">
          {t('floor.yourPosition', { position: position + 1 })}
        </Text>
        <Button variant="default" size="xs" loading={busy} onClick={() => void (setBusy(true), act(engine, 'floor.withdraw', {}).finally(() => setBusy(false)))}>
          {t('floor.withdraw')}
        </Button>
      </Group>
    );
  if (!SPEAKING_ROLES.has(role))
    return (
      <Text size="sm" c="dimmed">
        {t('floor.cannotAsk')}
      </Text>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        void act(engine, 'floor.request', topic.trim() ? { topic: topic.trim() } : {}).then((ok) => {
          setBusy(false);
          if (ok) setTopic('');
        });
      }}
    >
      <Stack gap="xs">
        <TextInput label={t('floor.topic')} placeholder={t('floor.topicHint')} value={topic} maxLength={200} onChange={(e) => setTopic(e.currentTarget.value)} />
        <Button type="submit" leftSection={<IconHandStop size={16} />} loading={busy}>
          {t('floor.ask')}
        </Button>
      </Stack>
    </form>
  );
}

function FloorSettingsForm({ engine, state }: { engine: ConferenceEngine; state: FloorState }) {
  const { t } = useTranslation();
  const peers = useConference(engine, (s) => s.peers);
  const [limit, setLimit] = useState<number | string>(state.limitSeconds / 60);
  const [warning, setWarning] = useState<number | string>(state.warningSeconds);
  useEffect(() => {
    setLimit(state.limitSeconds / 60);
    setWarning(state.warningSeconds);
  }, [state.limitSeconds, state.warningSeconds]);
  const points = peers.filter((p) => p.info.pointName);
  return (
    <Stack gap="xs">
      <Title order={3} size="h6">
        {t('floor.settings')}
      </Title>
      <Switch
        checked={state.controlled}
        label={t('floor.controlled')}
        description={t('floor.controlledHint')}
        onChange={(e) => void act(engine, 'floor.settings', { controlled: e.currentTarget.checked })}
      />
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <NumberInput label={t('floor.limitMinutes')} min={0} max={120} step={1} decimalScale={1} value={limit} onChange={setLimit} w={120} />
        <NumberInput label={t('floor.warningSeconds')} min={0} max={3600} step={10} value={warning} onChange={setWarning} w={120} />
        <Button
          variant="light"
          onClick={() => void act(engine, 'floor.settings', { limitSeconds: Math.round(Number(limit) * 60), warningSeconds: Math.round(Number(warning)) }, t('floor.saved'))}
        >
          {t('floor.save')}
        </Button>
      </Group>
      <Select
        label={t('floor.hostPoint')}
        description={state.hostPointName ? t('floor.hostPointNow', { name: state.hostPointName }) : t('floor.hostPointNone')}
        placeholder={t('floor.hostPointPick')}
        data={points.map((p) => ({ value: p.info.accountId, label: p.info.pointName }))}
        value={null}
        clearable={false}
        onChange={(v) => v && void act(engine, 'floor.settings', { hostAccountId: v })}
      />
      {state.hostPointId && (
        <Button variant="subtle" size="xs" onClick={() => void act(engine, 'floor.settings', { hostAccountId: null })}>
          {t('floor.hostPointClear')}
        </Button>
      )}
    </Stack>
  );
}

function ModerationSection({ engine, state }: { engine: ConferenceEngine; state: FloorState }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={3} size="h6">
        {t('moderation.title')}
      </Title>
      <Switch checked={state.locked} label={t('moderation.lock')} description={t('moderation.lockHint')} onChange={(e) => void act(engine, 'moderation.lock', { locked: e.currentTarget.checked })} />
      <Button
        color="red"
        variant="light"
        leftSection={<IconMicrophoneOff size={16} />}
        onClick={() =>
          modals.openConfirmModal({
            title: t('moderation.muteAllTitle'),
            centered: true,
            children: <Text size="sm">{t('moderation.muteAllConfirm')}</Text>,
            labels: { confirm: t('moderation.muteAll'), cancel: t('moderation.cancel') },
            confirmProps: { color: 'red' },
            onConfirm: () => void act(engine, 'moderation.muteAll', {}, ({ muted }) => t('moderation.mutedAll', { count: muted })),
          })
        }
      >
        {t('moderation.muteAll')}
      </Button>
      {state.removed.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('moderation.removedList')}
          </Text>
          {state.removed.map((r) => (
            <Group key={r.accountId} justify="space-between" wrap="nowrap">
              <Text size="sm" truncate>
                {r.displayName}
              </Text>
              <Tooltip label={t('moderation.readmit')}>
                <ActionIcon variant="light" aria-label={t('moderation.readmitName', { name: r.displayName })} onClick={() => void act(engine, 'moderation.readmit', { accountId: r.accountId })}>
                  <IconUserCheck size={16} />
                </ActionIcon>
              </Tooltip>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
