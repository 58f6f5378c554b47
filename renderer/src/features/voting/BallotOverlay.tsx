/**
 * Over the room: when a vote opens, a ballot in front of every eligible delegate who has not voted
 * (also after joining late); when a vote closes while one is here, its result. A modal on a PC,
 * full screen on a phone.
 */
import { Modal, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomFeatureProps } from '../conference/room-panels';
import { BallotForm } from './BallotForm';
import { Countdown } from './Countdown';
import { ResultView } from './ResultView';
import { useVoting } from './voting-store';

export function BallotOverlay({ engine }: RoomFeatureProps) {
  const { t } = useTranslation();
  const [state, store] = useVoting(engine);
  const phone = useMediaQuery('(max-width: 48em)');
  const [later, setLater] = useState<Set<string>>(new Set());
  const [resultId, setResultId] = useState<string | null>(null);
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
  const result = !ballot && resultId ? state.votes.find((e) => e.vote.id === resultId) : undefined;

  if (ballot) {
    return (
      <Modal opened onClose={() => setLater((s) => new Set(s).add(ballot.vote.id))} fullScreen={phone} centered size="lg" title={t('voting.ballotTitle')} closeButtonProps={{ 'aria-label': t('voting.later') }} data-testid="ballot">
        <Stack gap="sm">
          <Title order={2} size="h4">
            {ballot.vote.question}
          </Title>
          <Text size="sm" c="dimmed">
            {ballot.vote.secret ? t('voting.kindSecret') : t('voting.kindOpen')} · {t('voting.progress', { cast: ballot.vote.castCount, eligible: ballot.vote.eligibleCount })}
          </Text>
          <Countdown until={ballot.vote.closesAt} />
          <BallotForm key={ballot.vote.id} vote={ballot.vote} onCast={(choices) => store.cast(ballot.vote.id, choices)} />
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
