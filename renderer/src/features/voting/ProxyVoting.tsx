/** A bridge-point operator records the ballots of delegates of its unit who have no device of their own. */
import { Button, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProxyCandidate, VoteEntry } from '../../../../common/protocol';
import { errorMessage } from '../../shared/errors';
import { BallotForm } from './BallotForm';
import { receiptTime } from './receipt-time';
import type { VotingStore } from './voting-store';

export function ProxyVoting({ entry, store }: { entry: VoteEntry; store: VotingStore }) {
  const { t, i18n } = useTranslation();
  const [candidates, setCandidates] = useState<ProxyCandidate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const castCount = entry.vote.castCount;
  useEffect(() => {
    store.proxyCandidates(entry.vote.id).then(setCandidates, (err: unknown) => setError(errorMessage(err)));
  }, [store, entry.vote.id, castCount]);
  if (error) return <Text size="sm" c="red">{error}</Text>;
  if (!candidates) return null;
  return (
    <Stack gap="xs" data-testid="proxy-voting">
      <Text size="sm" fw={500}>
        {t('voting.proxy')}
      </Text>
      {candidates.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('voting.proxyNone')}
        </Text>
      )}
      {candidates.map((c) => (
        <Stack key={c.accountId} gap={4}>
          <Button size="xs" variant={selected === c.accountId ? 'filled' : 'light'} disabled={c.voted} onClick={() => setSelected(selected === c.accountId ? null : c.accountId)}>
            {c.voted ? `${c.displayName} — ${t('voting.votedShort')}` : t('voting.proxyFor', { name: c.displayName })}
          </Button>
          {selected === c.accountId && !c.voted && (
              <BallotForm
                vote={entry.vote}
                submitLabel={t('voting.proxyFor', { name: c.displayName })}
                onCast={async (choices) => {
                  await store.cast(entry.vote.id, choices, c.accountId);
                  notifications.show({ color: 'green', message: t('voting.receiptProxy', { name: c.displayName, time: receiptTime(Date.now(), i18n.language) }) });
                  setSelected(null);
                  setCandidates(await store.proxyCandidates(entry.vote.id));
                }}
              />
          )}
        </Stack>
      ))}
    </Stack>
  );
}
