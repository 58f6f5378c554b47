/**
 * Over the room: when a vote opens, a ballot in front of every eligible delegate who has not voted
 * (also after joining late); once the ballot is acknowledged, its receipt; when a vote closes while
 * one is here, its result. A modal on a PC, full screen on a phone.
 *
 * The ballot cannot be dismissed by a click outside or Escape while the vote is open (a stray tap
 * must not hide it): only its explicit "Để sau" button puts it aside, and the Votes button keeps a
 * badge while a ballot waits (`useVotesBadge`).
 */
import { Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconCircleCheck } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomFeatureProps } from '../conference/room-panels';
import { chosenLabels } from './ballot-choice';
import { BallotForm } from './BallotForm';
import { Countdown } from './Countdown';
import { receiptTime } from './receipt-time';
import { ResultView } from './ResultView';
import { useVoting, waitingBallots } from './voting-store';

export function BallotOverlay({ engine }: RoomFeatureProps) {
  const { t, i18n } = useTranslation();
  const [state, store] = useVoting(engine);
  const phone = useMediaQuery('(max-width: 48em)');
  const [later, setLater] = useState<Set<string>>(new Set());
  const [resultId, setResultId] = useState<string | null>(null);
  /** Receipts already shown (and closed) here. */
  const [receiptsSeen, setReceiptsSeen] = useState<Set<string>>(new Set());
  const seenOpen = useRef(new Set<string>());

  // A result pops up for votes that were open while this client was here.
  useEffect(() => {
    for (const e of state.votes) {
      if (e.vote.status === 'open') seenOpen.current.add(e.vote.id);
      else if (e.vote.status === 'closed' && seenOpen.current.has(e.vote.id)) {
        seenOpen.current.delete(e.vote.id);
        setResultId(e.vote.id);
      }
    }
  }, [state.votes]);

  const ballot = state.votes.find((e) => e.vote.status === 'open' && e.me.eligible && !e.me.voted && !later.has(e.vote.id));
  const receipt = ballot ? undefined : Object.values(state.receipts).find((r) => !receiptsSeen.has(r.voteId));
  const receiptVote = receipt ? state.votes.find((e) => e.vote.id === receipt.voteId) : undefined;
  const result = !ballot && !receipt && resultId ? state.votes.find((e) => e.vote.id === resultId) : undefined;

  if (ballot) {
    return (
      <Modal
        opened
        onClose={() => undefined}
        closeOnClickOutside={false}
        closeOnEscape={false}
        withCloseButton={false}
        fullScreen={phone}
        centered
        size="lg"
        title={t('voting.ballotTitle')}
        data-testid="ballot"
      >
        <Stack gap="sm">
          <Title order={2} size="h4">
            {ballot.vote.question}
          </Title>
          <Text size="sm" c="dimmed">
            {ballot.vote.secret ? t('voting.kindSecret') : t('voting.kindOpen')} · {t('voting.progress', { cast: ballot.vote.castCount, eligible: ballot.vote.eligibleCount })}
          </Text>
          <Countdown until={ballot.vote.closesAt} />
          <BallotForm key={ballot.vote.id} vote={ballot.vote} onCast={(choices) => store.cast(ballot.vote.id, choices)} />
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text size="xs" c="dimmed">
              {t('voting.laterHint')}
            </Text>
            <Button variant="subtle" size="xs" onClick={() => setLater((s) => new Set(s).add(ballot.vote.id))}>
              {t('voting.later')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    );
  }
  if (receipt) {
    const dismiss = () => setReceiptsSeen((s) => new Set(s).add(receipt.voteId));
    const labels = receiptVote ? chosenLabels(receiptVote.vote, receipt.choices) : [];
    return (
      <Modal opened onClose={dismiss} withCloseButton={false} fullScreen={phone} centered size="md" title={t('voting.receiptTitle')} data-testid="vote-receipt">
        <Stack gap="sm">
          <Group gap="xs" wrap="nowrap">
            <IconCircleCheck color="var(--mantine-color-green-7)" aria-hidden />
            <Text fw={600} role="status" data-testid="vote-receipt-text">
              {t('voting.receipt', { time: receiptTime(receipt.at, i18n.language) })}
            </Text>
          </Group>
          {receiptVote && <Text size="sm">{receiptVote.vote.question}</Text>}
          {labels.length > 0 && (
            <Text size="sm" data-testid="vote-receipt-choice">
              {t('voting.receiptChoice', { choice: labels.join(', ') })}
            </Text>
          )}
          <Group justify="flex-end">
            <Button onClick={dismiss}>{t('voting.close')}</Button>
          </Group>
        </Stack>
      </Modal>
    );
  }
  if (result) {
    return (
      <Modal opened onClose={() => setResultId(null)} fullScreen={phone} centered size="lg" title={t('voting.resultTitle')} closeButtonProps={{ 'aria-label': t('voting.close') }} data-testid="vote-result-modal">
        <Stack gap="sm">
          <Title order={2} size="h4">
            {result.vote.question}
          </Title>
          <ResultView entry={result} />
        </Stack>
      </Modal>
    );
  }
  return null;
}

/** The Votes button's badge: open votes that wait for this participant's ballot. */
export function useVotesBadge({ engine }: RoomFeatureProps): number {
  const [state] = useVoting(engine);
  return waitingBallots(state);
}
