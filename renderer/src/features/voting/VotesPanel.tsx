/**
 * The "Biểu quyết" side panel of the room: every vote of the meeting with its progress or result;
 * organisers create, open, close and cancel; delegates vote from here too; a bridge-point operator
 * records the ballots of delegates of its unit who have no device.
 */
import { Badge, Button, Card, Group, Modal, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VoteEntry } from '../../../../common/protocol';
import { useAsync } from '../../shared/use-async';
import { errorMessage } from '../../shared/errors';
import { api } from '../../net/api-client';
import type { RoomFeatureProps } from '../conference/room-panels';
import { useConferenceShallow } from '../conference/use-conference';
import { BallotForm } from './BallotForm';
import { Countdown } from './Countdown';
import { ExportButtons } from './ExportButtons';
import { ProxyVoting } from './ProxyVoting';
import { receiptTime } from './receipt-time';
import { ResultView } from './ResultView';
import { VoteForm } from './VoteForm';
import { useVoting, type VotingStore } from './voting-store';

export const STATUS_COLOR = { draft: 'gray', open: 'blue', closed: 'green', cancelled: 'red' } as const;

export function VotesPanel({ engine, meetingId }: RoomFeatureProps) {
  const { t } = useTranslation();
  const [state, store] = useVoting(engine);
  const conf = useConferenceShallow(engine, (s) => ({ self: s.self }));
  const [creating, setCreating] = useState(false);
  const meeting = useAsync(() => api.meeting(meetingId), [meetingId]);
  const me = conf.self;
  const organiser = Boolean(me && meeting.data && [meeting.data.chairId, meeting.data.secretaryId].includes(me.accountId));
  const isOperator = me?.role === 'operator';
  const votes = [...state.votes].reverse();

  return (
    <Stack gap="sm" data-testid="votes-panel">
      {organiser && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {t('voting.present', { count: state.present })}
          </Text>
          <Button leftSection={<IconPlus size={16} />} size="xs" onClick={() => setCreating(true)}>
            {t('voting.create')}
          </Button>
        </Group>
      )}
      {state.loaded && votes.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('voting.none')}
        </Text>
      )}
      {votes.map((e) => (
        <VoteCard key={e.vote.id} entry={e} store={store} isOperator={isOperator} receiptAt={state.receipts[e.vote.id]?.at ?? null} />
      ))}
      {organiser && votes.some((e) => e.vote.status === 'closed') && <ExportButtons meetingId={meetingId} />}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('voting.createTitle')} size="lg" closeButtonProps={{ 'aria-label': t('voting.close') }}>
        {creating && (
          <VoteForm
            agenda={meeting.data?.agenda ?? []}
            onCancel={() => setCreating(false)}
            onSubmit={async (def) => {
              await store.create(def);
              setCreating(false);
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}

function VoteCard({ entry, store, isOperator, receiptAt }: { entry: VoteEntry; store: VotingStore; isOperator: boolean; receiptAt: number | null }) {
  const { t, i18n } = useTranslation();
  const { vote, me } = entry;
  const [busy, setBusy] = useState<string | null>(null);
  const act = (name: string, fn: () => Promise<unknown>) => async () => {
    setBusy(name);
    try {
      await fn();
    } catch (err) {
      notifications.show({ color: 'red', message: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  };
  // Closing or cancelling cannot be undone: both ask first.
  const confirmClose = () =>
    modals.openConfirmModal({
      title: t('voting.confirmClose'),
      centered: true,
      children: <Text size="sm">{t('voting.confirmCloseBody')}</Text>,
      labels: { confirm: t('voting.closeVote'), cancel: t('voting.keep') },
      confirmProps: { color: 'green' },
      onConfirm: () => void act('close', () => store.close(vote.id))(),
    });
  const confirmCancel = () =>
    modals.openConfirmModal({
      title: t('voting.confirmCancelTitle'),
      centered: true,
      children: <Text size="sm">{t('voting.confirmCancelBody', { question: vote.question })}</Text>,
      labels: { confirm: t('voting.confirmCancelAction'), cancel: t('voting.keep') },
      confirmProps: { color: 'red' },
      onConfirm: () => void act('cancel', () => store.cancel(vote.id))(),
    });
  return (
    <Card withBorder padding="sm" radius="md" data-testid="vote-card" aria-label={vote.question}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
            {vote.question}
          </Text>
          <Badge color={STATUS_COLOR[vote.status]} variant="light" data-testid="vote-status">
            {t(`voting.status.${vote.status}`)}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {vote.secret ? t('voting.kindSecret') : t('voting.kindOpen')} · {t(`voting.pass.${vote.passRule}`)}
        </Text>
        {vote.status === 'open' && <Countdown until={vote.closesAt} />}
        {vote.status !== 'draft' && vote.status !== 'cancelled' && <ResultView entry={entry} />}
        {vote.status === 'open' && me.eligible && !me.voted && <BallotForm vote={vote} onCast={(c) => store.cast(vote.id, c)} />}
        {vote.status === 'open' && me.voted && (
          <Badge color="green" variant="light" data-testid="voted">
            {t('voting.votedShort')}
          </Badge>
        )}
        {me.voted && receiptAt !== null && (
          <Text size="xs" c="dimmed" data-testid="vote-receipt-line">
            {t('voting.receipt', { time: receiptTime(receiptAt, i18n.language) })}
          </Text>
        )}
        {vote.status === 'open' && isOperator && <ProxyVoting entry={entry} store={store} />}
        {me.canManage && (vote.status === 'draft' || vote.status === 'open') && (
          <Group gap="xs">
            {vote.status === 'draft' && (
              <Button size="xs" onClick={() => void act('open', () => store.open(vote.id))()} loading={busy === 'open'}>
                {t('voting.openVote')}
              </Button>
            )}
            {vote.status === 'open' && (
              <Button size="xs" color="green" onClick={confirmClose} loading={busy === 'close'}>
                {t('voting.closeVote')}
              </Button>
            )}
            <Button size="xs" variant="default" onClick={confirmCancel} loading={busy === 'cancel'}>
              {t('voting.cancelVote')}
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
