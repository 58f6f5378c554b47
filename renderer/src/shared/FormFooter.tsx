/** The end of every dialog form: the error (if any), then Cancel and the submit button. */
import { Alert, Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function FormFooter({ error, busy, onCancel, submitLabel }: { error: string | null; busy: boolean; onCancel: () => void; submitLabel: string }) {
  const { t } = useTranslation();
  return (
    <>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" loading={busy}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}
