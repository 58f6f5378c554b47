/** The choices of one ballot: one option (radio) or up to N (checkboxes), and the button that casts it. */
import { Alert, Button, Checkbox, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VoteView } from '../../../../common/protocol';
import { errorMessage } from '../../app/i18n';

export function BallotForm({ vote, onCast, submitLabel }: { vote: VoteView; onCast: (choices: string[]) => Promise<void>; submitLabel?: string }) {
  const { t } = useTranslation();
  const [choices, setChoices] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const many = vote.maxChoices > 1;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onCast(choices);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
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
      <Button size="md" onClick={() => void submit()} loading={busy} disabled={choices.length === 0}>
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
