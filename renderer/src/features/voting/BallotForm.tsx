/**
 * The choices of one ballot: one option (radio) or up to N (checkboxes), and the button that casts
 * it. Casting asks first (a @mantine/modals confirmation naming the chosen options): a ballot is
 * final, so one tap never sends it.
 */
import { Alert, Button, Checkbox, List, Radio, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VoteView } from '../../../../common/protocol';
import { errorMessage } from '../../shared/errors';
import { chosenLabels } from './ballot-choice';


export function BallotForm({ vote, onCast, submitLabel }: { vote: VoteView; onCast: (choices: string[]) => Promise<void>; submitLabel?: string }) {
  const { t } = useTranslation();
  const [choices, setChoices] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const many = vote.maxChoices > 1;
  const cast = async (picked: string[]) => {
    setBusy(true);
    setError(null);
    try {
      await onCast(picked);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const confirm = () => {
    const picked = [...choices];
    modals.openConfirmModal({
      title: t('voting.confirmTitle'),
      centered: true,
      // Above the ballot (a modal itself).
      zIndex: 400,
      children: (
        <Stack gap="xs" data-testid="ballot-confirm">
          <Text size="sm">{t('voting.confirmChoice')}</Text>
          <List fw={700} data-testid="ballot-confirm-choice">
            {chosenLabels(vote, picked).map((label) => (
              <List.Item key={label}>{label}</List.Item>
            ))}
          </List>
          <Text size="sm" c="dimmed">
            {t('voting.confirmFinal')}
          </Text>
        </Stack>
      ),
      labels: { confirm: t('voting.confirmCast'), cancel: t('voting.changeChoice') },
      onConfirm: () => void cast(picked),
    });
  };
  return (
    <Stack gap="sm">
      {many ? (
        <Checkbox.Group label={t('voting.chooseUpTo', { count: vote.maxChoices })} value={choices} onChange={(v) => setChoices(v.slice(0, vote.maxChoices))}>
          <Stack gap="xs" mt="xs">
            {vote.options.map((o) => (
              <Checkbox key={o.id} value={o.id} label={o.label} disabled={!choices.includes(o.id) && choices.length >= vote.maxChoices} />
            ))}
          </Stack>
        </Checkbox.Group>
      ) : (
        <Radio.Group label={t('voting.chooseOne')} value={choices[0] ?? null} onChange={(v) => setChoices([v])}>
          <Stack gap="xs" mt="xs">
            {vote.options.map((o) => (
              <Radio key={o.id} value={o.id} label={o.label} size="md" />
            ))}
          </Stack>
        </Radio.Group>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Button size="md" onClick={confirm} loading={busy} disabled={choices.length === 0}>
        {submitLabel ?? t('voting.submit')}
      </Button>
      {vote.secret && (
        <Text size="xs" c="dimmed">
          {t('voting.kindSecret')}
        </Text>
      )}
    </Stack>
  );
}
