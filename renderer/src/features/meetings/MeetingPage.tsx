/**
 * One meeting: title, time, status, chair and secretary, agenda, invited bridge points and
 * delegates; what the user may do with it (edit, agenda, invitations, status changes, the ICS
 * invitation) and, when the meeting is live and the user invited, "Vào phòng họp".
 */
import { Alert, Anchor, Box, Button, Card, Container, Divider, Grid, Group, List, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconArrowLeft,
  IconCalendarDown,
  IconClock,
  IconEdit,
  IconInfoCircle,
  IconListNumbers,
  IconPlayerPlay,
  IconPlayerStop,
  IconSend,
  IconUsersGroup,
  IconVideo,
  IconX,
} from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, BridgePoint, Meeting, MeetingStatus, Unit } from '../../../../common/api/model';
import { buildUnitTree, byId, unitPath, type UnitNode } from '../../shared/directory';
import { apiErrorMessage } from '../../shared/errors';
import { href } from '../../shared/router';
import { formatRange } from '../../shared/time';
import { useAsync } from '../../shared/use-async';
import { api, ApiRequestError } from '../../net/api-client';
import { useAccount } from '../auth/session';
import { AgendaEditor } from './AgendaEditor';
import { InvitationsEditor } from './InvitationsEditor';
import { MeetingFormModal } from './MeetingFormModal';
import type { MeetingSection } from './meeting-sections';
import { joinBlockedReason, meetingErrorMessage } from './meeting-messages';
import { useMeetingChanges, useOnMeetingChange } from './meeting-watch';
import { canListAccounts } from './MyMeetingsPage';
import { StatusBadge } from './StatusBadge';

type Target = Exclude<MeetingStatus, 'draft'>;

/** Status changes offered from each status (the server's policy decides in the end). */
const NEXT: Record<MeetingStatus, Target[]> = {
  draft: ['published', 'cancelled'],
  published: ['live', 'cancelled'],
  live: ['ended'],
  ended: [],
  cancelled: [],
};

const TRANSITION_UI: Record<Target, { icon: React.ReactNode; color: string; variant: 'filled' | 'light' | 'outline' }> = {
  published: { icon: <IconSend size={18} />, color: 'blue', variant: 'filled' },
  live: { icon: <IconPlayerPlay size={18} />, color: 'green', variant: 'filled' },
  ended: { icon: <IconPlayerStop size={18} />, color: 'dark', variant: 'filled' },
  cancelled: { icon: <IconX size={18} />, color: 'red', variant: 'outline' },
};

/** `sections`: what features add under the details (composed in app/meeting-sections.ts). */
export function MeetingPage({ id, sections }: { id: string; sections: readonly MeetingSection[] }) {
  const { t } = useTranslation();
  const me = useAccount();
  const meeting = useAsync(() => api.meeting(id), [id]);
  const units = useAsync(() => api.units(), []);
  const points = useAsync(() => api.bridgePoints(), []);
  const accounts = useAsync(() => api.accounts(), [], canListAccounts(me));
  const [dialog, setDialog] = useState<'details' | 'agenda' | 'invitations' | null>(null);
  const [confirm, setConfirm] = useState<Target | null>(null);
  const [transitionError, setTransitionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The server says when the meeting changes (the join button appears when the secretary starts
  // it, and goes when it ends); the sections listen to their own parts.
  const changes = useMeetingChanges(id);
  useOnMeetingChange(changes, ['meeting'], () => void meeting.reload());

  // A background reload that cannot reach the server (a restart, a network drop) keeps the page as
  // it is — with any open document — rather than replacing it with an error.
  const unreachable = meeting.error instanceof ApiRequestError && meeting.error.status === 0;
  if (meeting.error && !(unreachable && meeting.data))
    return (
      <Container size="md" py="lg">
        <BackLink />
        <Alert color="red" role="alert" title={t('meeting.loadFailed')} mt="md">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{meetingErrorMessage(meeting.error, t)}</Text>
            <Button size="xs" variant="light" onClick={() => void meeting.reload()}>
              {t('common.retry')}
            </Button>
          </Stack>
        </Alert>
      </Container>
    );
  const m = meeting.data;
  if (!m)
    return (
      <Group justify="center" py="xl">
        <Loader aria-label={t('common.loading')} />
      </Group>
    );

  // The meeting names its own people (chair, secretary, delegates) for everyone who may see it;
  // the account list (admins, secretaries) adds nothing here but is kept for the editors.
  const people = new Map<string, Pick<Account, 'id' | 'displayName' | 'title'>>([...(m.people ?? []).map((p) => [p.id, p] as const), ...byId(accounts.data)]);
  const personName = (personId: string) => {
    const a = people.get(personId) ?? (personId === me.id ? me : undefined);
    if (!a) return null;
    return a.title ? `${a.displayName} — ${a.title}` : a.displayName;
  };
  const saved = (next: Meeting, message: string) => {
    meeting.setData(next);
    setDialog(null);
    notifications.show({ message, color: 'green' });
  };

  const doTransition = async (to: Target) => {
    setBusy(true);
    setTransitionError(null);
    try {
      const next = await api.transition(m.id, to);
      meeting.setData(next);
      setConfirm(null);
      notifications.show({ message: t(`transitions.${to}.done`), color: 'green' });
    } catch (err) {
      setTransitionError(apiErrorMessage(err));
      // The meeting may have changed meanwhile: show what it is now.
      void meeting.reload();
    } finally {
      setBusy(false);
    }
  };

  const blocked = joinBlockedReason(m, t);
  const transitions = m.can.transition ? NEXT[m.status] : [];

  return (
    <Container size="lg" py="lg">
      <BackLink />
      <Stack gap="md" mt="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
          <Stack gap={6} style={{ minWidth: 0, flex: '1 1 320px' }}>
            <Group gap="sm" wrap="wrap" align="center">
              <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
                {m.title}
              </Title>
              <StatusBadge status={m.status} size="lg" />
            </Group>
            <Group gap={6} c="dimmed" wrap="nowrap">
              <IconClock size={18} aria-hidden style={{ flexShrink: 0 }} />
              <Text data-testid="meeting-time">{formatRange(m.startsAt, m.endsAt)}</Text>
            </Group>
          </Stack>
        </Group>

        {/* Joining comes first: it is what most people open this page for. */}
        {m.can.join ? (
          <Card withBorder radius="md" p="md" style={{ borderColor: 'var(--mantine-color-green-6)', borderWidth: 2 }}>
            <Group justify="space-between" wrap="wrap" gap="sm">
              <Text fw={600}>{t('join.ready')}</Text>
              <Button component="a" href={href({ name: 'join', id: m.id })} size="lg" color="green" leftSection={<IconVideo size={22} />}>
                {t('meeting.join')}
              </Button>
            </Group>
          </Card>
        ) : (
          blocked && (
            <Alert color={m.status === 'live' ? 'orange' : 'gray'} icon={<IconInfoCircle />} data-testid="join-blocked">
              {blocked}
            </Alert>
          )
        )}

        <Group gap="sm" wrap="wrap" role="toolbar" aria-label={t('meeting.actions')}>
          {transitions.map((to) => (
            <Button key={to} color={TRANSITION_UI[to].color} variant={TRANSITION_UI[to].variant} leftSection={TRANSITION_UI[to].icon} onClick={() => setConfirm(to)}>
              {t(`transitions.${to}.button`)}
            </Button>
          ))}
          {m.can.edit && (
            <>
              <Button variant="default" leftSection={<IconEdit size={18} />} onClick={() => setDialog('details')}>
                {t('meeting.editDetails')}
              </Button>
              <Button variant="default" leftSection={<IconListNumbers size={18} />} onClick={() => setDialog('agenda')}>
                {t('meeting.editAgenda')}
              </Button>
              <Button variant="default" leftSection={<IconUsersGroup size={18} />} onClick={() => setDialog('invitations')} disabled={!units.data || !points.data}>
                {t('meeting.editInvitations')}
              </Button>
            </>
          )}
          <IcsLink meeting={m} />
        </Group>

        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack gap="md">
              <Card withBorder radius="md" p="md" component="section" aria-labelledby="meeting-details">
                <Title order={2} size="h4" id="meeting-details" mb="sm">
                  {t('meeting.details')}
                </Title>
                <Stack gap="xs">
                  <Field label={t('meeting.chair')} value={personName(m.chairId)} testId="meeting-chair" />
                  <Field label={t('meeting.secretary')} value={personName(m.secretaryId)} testId="meeting-secretary" />
                  {m.description && (
                    <>
                      <Divider my={4} />
                      <Text style={{ whiteSpace: 'pre-wrap' }}>{m.description}</Text>
                    </>
                  )}
                </Stack>
              </Card>
              <AgendaCard meeting={m} />
              {sections.filter((s) => s.column === 'main').map(({ id: key, Component }) => (
                <Component key={key} meeting={m} me={me} reload={() => void meeting.reload()} changes={changes} />
              ))}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Stack gap="md">
              <InvitedCard meeting={m} units={units.data} points={points.data} people={people} me={me} canSeePeople />
              {sections.filter((s) => s.column === 'side').map(({ id: key, Component }) => (
                <Component key={key} meeting={m} me={me} reload={() => void meeting.reload()} changes={changes} />
              ))}
            </Stack>
          </Grid.Col>
        </Grid>
      </Stack>

      <MeetingFormModal
        opened={dialog === 'details'}
        onClose={() => setDialog(null)}
        meeting={m}
        accounts={accounts.data ?? null}
        me={me}
        onSaved={(next) => saved(next, t('meeting.savedDetails'))}
      />
      <AgendaEditor meeting={m} opened={dialog === 'agenda'} onClose={() => setDialog(null)} onSaved={(next) => saved(next, t('agenda.saved'))} />
      {units.data && points.data && (
        <InvitationsEditor
          meeting={m}
          opened={dialog === 'invitations'}
          onClose={() => setDialog(null)}
          onSaved={(next) => saved(next, t('invitations.saved'))}
          units={units.data}
          points={points.data}
          accounts={accounts.data ?? null}
        />
      )}
      <Modal closeButtonProps={{ 'aria-label': t('common.close') }}
        opened={confirm !== null}
        onClose={() => {
          setConfirm(null);
          setTransitionError(null);
        }}
        title={confirm ? t(`transitions.${confirm}.confirmTitle`) : ''}
      >
        {confirm && (
          <Stack>
            <Text>{t(`transitions.${confirm}.confirmText`, { title: m.title })}</Text>
            {transitionError && (
              <Alert color="red" role="alert">
                {transitionError}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button
                variant="default"
                onClick={() => {
                  setConfirm(null);
                  setTransitionError(null);
                }}
              >
                {t('common.back')}
              </Button>
              <Button color={TRANSITION_UI[confirm].color} loading={busy} onClick={() => void doTransition(confirm)} data-autofocus>
                {t(`transitions.${confirm}.confirm`)}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Container>
  );
}

function BackLink() {
  const { t } = useTranslation();
  return (
    <Anchor href={href({ name: 'meetings' })} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={16} aria-hidden />
        {t('meetings.title')}
      </Group>
    </Anchor>
  );
}

function Field({ label, value, testId }: { label: string; value: string | null; testId: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap" align="baseline">
      <Text c="dimmed" size="sm" w={110} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text data-testid={testId} c={value ? undefined : 'dimmed'} fs={value ? undefined : 'italic'}>
        {value ?? t('meeting.nameHidden')}
      </Text>
    </Group>
  );
}

function AgendaCard({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation();
  const items = [...meeting.agenda].sort((a, b) => a.position - b.position);
  const total = items.reduce((s, i) => s + i.durationMinutes, 0);
  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby="meeting-agenda">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="meeting-agenda">
          {t('agenda.title')}
        </Title>
        {items.length > 0 && (
          <Text size="sm" c="dimmed">
            {t('agenda.total', { minutes: total })}
          </Text>
        )}
      </Group>
      {items.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('agenda.none')}
        </Text>
      ) : (
        <List type="ordered" spacing="sm" data-testid="agenda-list">
          {items.map((item) => (
            <List.Item key={item.id}>
              <Text fw={600}>{item.title}</Text>
              <Text size="sm" c="dimmed">
                {[item.presenter, t('agenda.minutesValue', { count: item.durationMinutes })].filter(Boolean).join(' · ')}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}

function InvitedCard({
  meeting,
  units,
  points,
  people,
  me,
  canSeePeople,
}: {
  meeting: Meeting;
  units: Unit[] | undefined;
  points: BridgePoint[] | undefined;
  people: Map<string, Pick<Account, 'id' | 'displayName' | 'title'>>;
  me: Account;
  canSeePeople: boolean;
}) {
  const { t } = useTranslation();
  const unitMap = byId(units);
  const pointMap = byId(points);
  const invited = meeting.invitedPointIds.map((id) => pointMap.get(id)).filter((p): p is BridgePoint => p !== undefined);
  const unknownPoints = meeting.invitedPointIds.length - invited.length;
  // Grouped by unit, in the order of the unit tree (tỉnh, sở/ban, huyện, its xã…).
  const invitedIds = new Set(invited.map((p) => p.id));
  const sortedGroups = useMemo(() => {
    const out: [Unit, BridgePoint[]][] = [];
    const walk = (nodes: UnitNode[]) => {
      for (const n of nodes) {
        const pts = n.points.filter((p) => invitedIds.has(p.id));
        if (pts.length) out.push([n.unit, pts]);
        walk(n.children);
      }
    };
    walk(buildUnitTree(units ?? [], points ?? []));
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [units, points, meeting.invitedPointIds]);
  const headcount = invited.reduce((s, p) => s + p.headcount, 0);
  const delegates = meeting.delegateIds.map((id) => people.get(id) ?? (id === me.id ? me : null));
  const named = delegates.filter((a): a is Pick<Account, 'id' | 'displayName' | 'title'> => a !== null).sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi'));
  const unnamed = delegates.length - named.length;

  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby="meeting-invited">
      <Title order={2} size="h4" id="meeting-invited" mb="sm">
        {t('invitations.title')}
      </Title>
      <Stack gap="md">
        <Box>
          <Group justify="space-between" mb={6}>
            <Text fw={600}>{t('invitations.points', { count: meeting.invitedPointIds.length })}</Text>
            {headcount > 0 && (
              <Text size="sm" c="dimmed">
                {t('invitations.headcountTotal', { count: headcount })}
              </Text>
            )}
          </Group>
          {meeting.invitedPointIds.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('invitations.noPoints')}
            </Text>
          ) : (
            <Stack gap={8} data-testid="invited-points">
              {sortedGroups.map(([unit, pts]) => (
                <Box key={unit.id}>
                  <Text size="sm">
                    <Text span fw={600} size="sm">
                      {unit.name}
                    </Text>
                    {unit.parentId && unitMap.get(unit.parentId) && (
                      <Text span c="dimmed" size="xs">
                        {' '}
                        · {unitPath(unit.parentId, unitMap)}
                      </Text>
                    )}
                  </Text>
                  <List size="sm" spacing={2} withPadding>
                    {pts.map((p) => (
                      <List.Item key={p.id}>
                        {p.name}{' '}
                        <Text span c="dimmed" size="xs">
                          {t('invitations.headcount', { count: p.headcount })}
                        </Text>
                        {p.id === me.bridgePointId && (
                          <Text span c="green" size="xs" fw={600}>
                            {' '}
                            · {t('invitations.yourPoint')}
                          </Text>
                        )}
                      </List.Item>
                    ))}
                  </List>
                </Box>
              ))}
              {unknownPoints > 0 && (
                <Text size="sm" c="dimmed">
                  {t('invitations.otherPoints', { count: unknownPoints })}
                </Text>
              )}
            </Stack>
          )}
        </Box>
        <Divider />
        <Box>
          <Text fw={600} mb={6}>
            {t('invitations.delegates', { count: meeting.delegateIds.length })}
          </Text>
          {meeting.delegateIds.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('invitations.noDelegates')}
            </Text>
          ) : (
            <>
              <List size="sm" spacing={2} data-testid="invited-delegates">
                {named.map((a) => (
                  <List.Item key={a.id}>
                    {a.displayName}
                    {a.title ? ` — ${a.title}` : ''}
                    {a.id === me.id && (
                      <Text span c="green" size="xs" fw={600}>
                        {' '}
                        · {t('invitations.you')}
                      </Text>
                    )}
                  </List.Item>
                ))}
              </List>
              {unnamed > 0 && (
                <Text size="sm" c="dimmed" mt={4}>
                  {canSeePeople ? t('invitations.otherDelegates', { count: unnamed }) : t('invitations.delegatesHidden', { count: unnamed })}
                </Text>
              )}
            </>
          )}
        </Box>
      </Stack>
    </Card>
  );
}

/** "Tải lời mời (ICS)": a real link, fetched with the session (refreshed if needed) and saved as a file. */
function IcsLink({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const download = async (e: React.MouseEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const blob = await api.invitationIcs(meeting.id);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${fileSlug(meeting.title) || 'cuoc-hop'}.ics`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(apiErrorMessage(err));
    }
  };
  return (
    <Stack gap={2}>
      <Button
        component="a"
        href={`.${api.invitationIcsPath(meeting.id)}`}
        download
        variant="subtle"
        leftSection={<IconCalendarDown size={18} />}
        onClick={(e: React.MouseEvent) => void download(e)}
      >
        {t('meeting.downloadIcs')}
      </Button>
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

/** "Họp giao ban tháng 12" → "hop-giao-ban-thang-12". */
export function fileSlug(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}
