/** "Cuộc họp của tôi": meetings live now, upcoming and past; organisers can create one. */
import { Alert, Anchor, Button, Card, Container, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconClock, IconPlus, IconUser, IconVideo } from '@tabler/icons-react';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, MeetingSummary } from '../../../../common/api/model';
import { byId } from '../../shared/directory';
import { apiErrorMessage } from '../../shared/errors';
import { href, navigate } from '../../shared/router';
import { formatRange } from '../../shared/time';
import { useAsync } from '../../shared/use-async';
import { api } from '../../net/api-client';
import { useAccount } from '../auth/session';
import { StatusBadge } from './StatusBadge';

/** The new-meeting form (with its date pickers) is loaded when an organiser first asks for it: not in the first download. */
const MeetingFormModal = lazy(() => import('./MeetingFormModal').then((m) => ({ default: m.MeetingFormModal })));

export const canListAccounts = (a: Account) => a.role === 'admin' || a.role === 'secretary';
export const canCreateMeetings = canListAccounts;

function MeetingRow({ meeting, people, live }: { meeting: MeetingSummary; people: Map<string, Account>; live: boolean }) {
  const { t } = useTranslation();
  const chair = people.get(meeting.chairId);
  // The whole card opens the meeting for pointer users; the title is the link for keyboards and screen readers.
  const open = (e: React.MouseEvent) => {
    if ((e.target as HTMLElement).closest('a, button')) return;
    navigate({ name: 'meeting', id: meeting.id });
  };
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      component="li"
      data-testid="meeting-item"
      onClick={open}
      style={{ cursor: 'pointer', ...(live ? { borderColor: 'var(--mantine-color-green-6)', borderWidth: 2 } : {}) }}
    >
      <Group justify="space-between" wrap="wrap" align="flex-start" gap="sm">
        <Stack gap={4} style={{ minWidth: 0, flex: '1 1 260px' }}>
          <Anchor href={href({ name: 'meeting', id: meeting.id })} fw={600} size="lg" c="inherit" style={{ overflowWrap: 'anywhere' }}>
            {meeting.title}
          </Anchor>
          <Group gap={6} c="dimmed" wrap="nowrap">
            <IconClock size={16} aria-hidden style={{ flexShrink: 0 }} />
            <Text size="sm">{formatRange(meeting.startsAt, meeting.endsAt)}</Text>
          </Group>
          {chair && (
            <Group gap={6} c="dimmed" wrap="nowrap">
              <IconUser size={16} aria-hidden style={{ flexShrink: 0 }} />
              <Text size="sm">
                {t('meeting.chair')}: {chair.displayName}
              </Text>
            </Group>
          )}
        </Stack>
        <Group gap="sm" wrap="nowrap">
          <StatusBadge status={meeting.status} />
          {live && (
            <Button
              component="a"
              href={href({ name: 'join', id: meeting.id })}
              color="green"
              size="sm"
              leftSection={<IconVideo size={16} />}
              aria-label={t('meetings.joinNamed', { title: meeting.title })}
            >
              {t('meeting.join')}
            </Button>
          )}
        </Group>
      </Group>
    </Card>
  );
}

function Section({ title, empty, meetings, people, live = false, testId }: { title: string; empty: string; meetings: MeetingSummary[]; people: Map<string, Account>; live?: boolean; testId: string }) {
  const headingId = `section-${testId}`;
  return (
    <section aria-labelledby={headingId} data-testid={testId}>
      <Group gap="xs" mb="xs">
        <Title order={2} size="h3" id={headingId}>
          {title}
        </Title>
        <Text c="dimmed" size="sm">
          ({meetings.length})
        </Text>
      </Group>
      {meetings.length === 0 ? (
        <Text c="dimmed" size="sm">
          {empty}
        </Text>
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {meetings.map((m) => (
            <MeetingRow key={m.id} meeting={m} people={people} live={live} />
          ))}
        </Stack>
      )}
    </section>
  );
}

/** `onShown`: called once the list is on screen (App then fetches the meeting and room pages' code ahead). */
export function MyMeetingsPage({ onShown }: { onShown?: () => void } = {}) {
  const { t } = useTranslation();
  const me = useAccount();
  const meetings = useAsync(() => api.myMeetings(), []);
  const accounts = useAsync(() => api.accounts(), [], canListAccounts(me));
  const [creating, setCreating] = useState(false);
  /** Mounted from the first "Tạo cuộc họp" on (so closing keeps its transition). */
  const [formWanted, setFormWanted] = useState(false);
  const people = byId(accounts.data);
  const shown = meetings.data !== undefined;
  useEffect(() => {
    if (shown) onShown?.();
  }, [shown, onShown]);

  return (
    <Container size="md" py="lg">
      <Group justify="space-between" mb="lg">
        <Title order={1} size="h2">
          {t('meetings.title')}
        </Title>
        {canCreateMeetings(me) && (
          <Button
            leftSection={<IconPlus size={18} />}
            onClick={() => {
              setFormWanted(true);
              setCreating(true);
            }}
          >
            {t('meetings.create')}
          </Button>
        )}
      </Group>
      {meetings.error ? (
        <Alert color="red" role="alert" title={t('common.loadFailed')}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{apiErrorMessage(meetings.error)}</Text>
            <Button size="xs" variant="light" onClick={() => void meetings.reload()}>
              {t('common.retry')}
            </Button>
          </Stack>
        </Alert>
      ) : !meetings.data ? (
        <Group justify="center" py="xl">
          <Loader aria-label={t('common.loading')} />
        </Group>
      ) : (
        <Stack gap="xl">
          <Section title={t('meetings.live')} empty={t('meetings.noLive')} meetings={meetings.data.live} people={people} live testId="meetings-live" />
          <Section title={t('meetings.upcoming')} empty={t('meetings.noUpcoming')} meetings={meetings.data.upcoming} people={people} testId="meetings-upcoming" />
          <Section title={t('meetings.past')} empty={t('meetings.noPast')} meetings={meetings.data.past} people={people} testId="meetings-past" />
        </Stack>
      )}
      {formWanted && (
        <Suspense fallback={null}>
          <MeetingFormModal
            opened={creating}
            onClose={() => setCreating(false)}
            accounts={accounts.data ?? null}
            me={me}
            onSaved={(m) => {
              setCreating(false);
              navigate({ name: 'meeting', id: m.id });
            }}
          />
        </Suspense>
      )}
    </Container>
  );
}
