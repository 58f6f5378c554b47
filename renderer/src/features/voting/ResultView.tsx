/** A vote's counts: bars per option while open (open ballots) or once closed; quorum, passed, who voted what. */
import { Badge, Group, Progress, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { VoteEntry } from '../../../../common/protocol';

export function ResultView({ entry }: { entry: VoteEntry }) {
  const { t } = useTranslation();
  const { vote, ballots } = entry;
  const result = vote.result;
  const label = (id: string) => vote.options.find((o) => o.id === id)?.label ?? id;
  if (!vote.tally && !result) {
    return (
      <Text size="sm" c="dimmed" data-testid="vote-progress">
        {t('voting.progress', { cast: vote.castCount, eligible: vote.eligibleCount })}
        {vote.secret && vote.status === 'open' ? ` — ${t('voting.secretHidden')}` : ''}
      </Text>
    );
  }
  const rows = result ? result.options : vote.options.map((o) => ({ ...o, count: vote.tally?.[o.id] ?? 0, percentOfCast: vote.castCount ? Math.round(((vote.tally?.[o.id] ?? 0) * 1000) / vote.castCount) / 10 : 0 }));
  return (
    <Stack gap="xs" data-testid={result ? 'vote-result' : 'vote-tally'}>
      {result && (
        <Group gap="xs">
          <Badge color={result.passed ? 'green' : 'red'} size="lg" data-testid="vote-passed">
            {result.passed ? t('voting.passed') : t('voting.notPassed')}
          </Badge>
          <Badge variant="light" color={result.quorumMet ? 'green' : 'orange'}>
            {result.quorumMet ? t('voting.quorumMet') : t('voting.quorumNotMet')}
          </Badge>
        </Group>
      )}
      <Text size="sm">{t('voting.castOfEligible', { cast: result?.cast ?? vote.castCount, eligible: result?.eligible ?? vote.eligibleCount })}</Text>
      {rows.map((o) => (
        <Stack key={o.id} gap={2} data-testid={`result-${o.id}`}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="sm" fw={500}>
              {o.label}
            </Text>
            <Text size="sm" data-testid="result-count">
              {t('voting.resultLine', { count: o.count, percent: o.percentOfCast })}
            </Text>
          </Group>
          <Progress value={o.percentOfCast} aria-label={o.label} />
        </Stack>
      ))}
      {ballots && ballots.length > 0 && (
        <details>
          <summary>{t('voting.whoVoted')}</summary>
          <Table striped fz="sm">
            <Table.Tbody>
              {ballots.map((b) => (
                <Table.Tr key={b.accountId}>
                  <Table.Td>
                    {b.displayName} {b.recordedBy ? t('voting.recordedBy') : ''}
                  </Table.Td>
                  <Table.Td>{b.choices.map(label).join(', ')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </details>
      )}
      {result && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {t('voting.chainHead')}: {result.chainHead}
        </Text>
      )}
    </Stack>
  );
}
