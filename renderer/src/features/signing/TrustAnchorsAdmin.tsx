/**
 * The authorities the administrator trusts (admin page, tab "Chữ ký số"): a signature is shown as
 * trusted only when its certificate chains to one of these. Add a CA certificate (PEM or DER
 * file), or remove one.
 */
import { Alert, Button, Code, FileInput, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrustAnchor } from '../../../../common/api/signing';
import { apiErrorMessage } from '../../shared/errors';
import { useAsync } from '../../shared/use-async';
import { ConfirmModal, type ConfirmRequest } from '../admin/ConfirmModal';
import { formatVietnamTime } from './SignaturePanel';
import { signingApi } from './signing-api';

/** PEM text as it is; DER bytes as base64. */
async function certificateText(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder('latin1').decode(bytes);
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function TrustAnchorsAdmin() {
  const { t, i18n } = useTranslation();
  const anchors = useAsync(() => signingApi.anchors(), []);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const add = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      if (file.size > 64 * 1024) throw new Error(t('signing.admin.tooLarge'));
      const added = await signingApi.addAnchor(await certificateText(file));
      notifications.show({ color: 'green', message: t('signing.admin.added', { name: added.subject }) });
      setFile(null);
      await anchors.reload();
    } catch (err) {
      const reason = (err as { details?: { reason?: string } }).details?.reason;
      setError(reason === 'not_ca' ? t('signing.admin.notCa') : reason === 'duplicate' ? t('signing.admin.duplicate') : err instanceof Error && !('code' in err) ? err.message : apiErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = (a: TrustAnchor) =>
    setConfirm({
      title: t('signing.admin.removeTitle'),
      text: t('signing.admin.removeText', { name: a.subject }),
      confirmLabel: t('signing.admin.remove'),
      color: 'red',
      run: async () => {
        await signingApi.removeAnchor(a.id);
        await anchors.reload();
      },
      describeError: apiErrorMessage,
    });

  return (
    <Stack data-testid="trust-anchors">
      <Text size="sm">{t('signing.admin.intro')}</Text>
      <Group align="flex-end">
        <FileInput label={t('signing.admin.file')} placeholder={t('signing.admin.filePlaceholder')} accept=".pem,.crt,.cer,.der,application/x-x509-ca-cert,application/pkix-cert" value={file} onChange={setFile} clearable style={{ minWidth: 320 }} />
        <Button leftSection={<IconUpload size={16} />} onClick={() => void add()} loading={busy} disabled={!file}>
          {t('signing.admin.add')}
        </Button>
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {anchors.error ? (
        <Alert color="red">{apiErrorMessage(anchors.error)}</Alert>
      ) : !anchors.data ? (
        <Loader size="sm" />
      ) : anchors.data.length === 0 ? (
        <Alert color="yellow">{t('signing.admin.empty')}</Alert>
      ) : (
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('signing.admin.name')}</Table.Th>
              <Table.Th>{t('signing.admin.organization')}</Table.Th>
              <Table.Th>{t('signing.admin.validUntil')}</Table.Th>
              <Table.Th>{t('signing.admin.fingerprint')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {anchors.data.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{a.subject}</Table.Td>
                <Table.Td>{a.organization}</Table.Td>
                <Table.Td>{formatVietnamTime(a.notAfter, i18n.language)}</Table.Td>
                <Table.Td>
                  <Code title={a.fingerprint}>{a.fingerprint.slice(0, 16)}…</Code>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => remove(a)} aria-label={t('signing.admin.removeNamed', { name: a.subject })}>
                    {t('signing.admin.remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmModal request={confirm} onClose={() => setConfirm(null)} />
    </Stack>
  );
}
