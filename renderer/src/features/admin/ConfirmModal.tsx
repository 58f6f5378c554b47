/** A yes/no question before something that cannot be undone, with the error if it fails. */
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormSubmit } from '../../shared/use-form-submit';

export interface ConfirmRequest {
  title: string;
  text: string;
  confirmLabel: string;
  color?: string;
  run: () => Promise<void>;
  /** A translated message for a failure, or null to use the generic one. */
  describeError: (err: unknown) => string;
}

export function ConfirmModal({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { busy, error, setError, run } = useFormSubmit(
    async () => {
      if (!request) return;
      await request.run();
      close();
    },
    (err) => request?.describeError(err) ?? String(err),
  );
  const close = () => {
    setError(null);
    onClose();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={request !== null} onClose={close} title={request?.title ?? ''}>
      {request && (
        <Stack>
          <Text>{request.text}</Text>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button color={request.color ?? 'red'} loading={busy} onClick={() => void run()} data-autofocus>
              {request.confirmLabel}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
