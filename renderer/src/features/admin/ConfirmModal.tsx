/** A yes/no question before something that cannot be undone, with the error if it fails. */
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    onClose();
  };
  const go = async () => {
    if (!request) return;
    setBusy(true);
    setError(null);
    try {
      await request.run();
      close();
    } catch (err) {
      setError(request.describeError(err));
    } finally {
      setBusy(false);
    }
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
            <Button color={request.color ?? 'red'} loading={busy} onClick={() => void go()} data-autofocus>
              {request.confirmLabel}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
