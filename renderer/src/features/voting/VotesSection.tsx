/**
 * The votes of a meeting on its page: organisers prepare them before the meeting (create, edit,
 * cancel drafts); everyone who sees the meeting sees the results of closed votes; exports.
 */
import { Badge, Button, Card, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VoteEntry, VoteView } from '../../../../common/protocol';
import { useAsync } from '../../shared/use-async';
import { apiErrorMessage } from '../../shared/errors';
import { api } from '../../net/api-client';
import type { MeetingSectionProps } from '../meetings/meeting-sections';
import { ExportButtons } from './ExportButtons';
import { ResultView } from './ResultView';
import { VoteForm } from './VoteForm';
import { cancelVote, createVote, listVotes, updateVote } from './voting-api';
import { STATUS_COLOR } from './VotesPanel';

export function VotesSection({ meeting, me }: MeetingSectionProps) {
  const { t } = useTranslation();
  const organiser = [meeting.chairId, meeting.secretaryId].includes(me.id) || meeting.can.edit;
  const canPrepare = organiser && (meeting.status === 'draft' || meeting.status === 'published' || meeting.status === 'live');
  const votes = useAsync(() => listVotes(meeting.id), [meeting.id]);
  const people = useAsync(() => api.accounts(), [me.id], me.role === 'secretary' || me.role === 'admin');
  const [editing, setEditing] = useState<VoteView | 'new' | null>(null);
  const list = votes.data ?? [];
  if (!organiser && list.length === 0) return null;
  const invited = new Set([...meeting.delegateIds, meeting.chairId, meeting.secretaryId]);
  const choosable = people.data?.filter((p) => invited.has(p.id) && ['delegate', 'chair', 'secretary'].includes(p.role)).map((p) => ({ id: p.id, name: p.displayName }));

  const save = async (def: Parameters<typeof createVote>[1]) => {
    if (editing === 'new') await createVote(meeting.id, def);
    else if (editing) await updateVote(editing.id, def);
    setEditing(null);
    await votes.reload();
  };
  const cancel = async (e: VoteEntry) => {
    try {
      await cancelVote(e.vote.id);
      await votes.reload();
    } catch (err) {
      notifications.show({ color: 'red', message: apiErrorMessage(err) });
    }
  };

  return (
    <Card withBorder radius="md" padding="md" data-testid="votes-section">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t('voting.section')}
          </Title>
          {canPrepare && (
            <Button size="xs" leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              {t('voting.create')}
            </Button>
          )}
        </Group>
        {organiser && (
          <Text size="sm" c="dimmed">
            {t('voting.sectionHint')}
          </Text>
        )}
        {votes.loading === false && list.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('voting.none')}
          </Text>
        )}
        {list.map((e) => (
          <Card key={e.vote.id} withBorder padding="sm" data-testid="prepared-vote">
            <Stack gap="xs">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                  {e.vote.question}
                </Text>
                <Badge color={STATUS_COLOR[e.vote.status]} variant="light">
                  {t(`voting.status.${e.vote.status}`)}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {e.vote.secret ? t('voting.kindSecret') : t('voting.kindOpen')} · {e.vote.options.map((o) => o.label).join(' / ')} · {t(`voting.pass.${e.vote.passRule}`)}
              </Text>
              {e.vote.status === 'closed' && <ResultView entry={e} />}
              {canPrepare && e.vote.status === 'draft' && (
                <Group gap="xs">
                  <Button size="xs" variant="light" onClick={() => setEditing(e.vote)}>
                    {t('voting.edit')}
                  </Button>
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() =>
                      modals.openConfirmModal({
                        title: t('voting.confirmCancelTitle'),
                        centered: true,
                        children: <Text size="sm">{t('voting.confirmCancelBody', { question: e.vote.question })}</Text>,
                        labels: { confirm: t('voting.confirmCancelAction'), cancel: t('voting.keep') },
                        confirmProps: { color: 'red' },
                        onConfirm: () => void cancel(e),
                      })
                    }
                  >
                    {t('voting.cancelVote')}
                  </Button>
                </Group>
              )}
            </Stack>
          </Card>
        ))}
        {organiser && list.some((e) => e.vote.status === 'closed') && <ExportButtons meetingId={meeting.id} />}
      </Stack>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing === 'new' ? t('voting.createTitle') : t('voting.editTitle')} size="lg" closeButtonProps={{ 'aria-label': t('voting.close') }}>
        {editing !== null && <VoteForm initial={editing === 'new' ? undefined : editing} agenda={meeting.agenda} {...(choosable ? { people: choosable } : {})} onCancel={() => setEditing(null)} onSubmit={save} />}
      </Modal>
    </Card>
  );
}
