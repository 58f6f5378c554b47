/**
 * Signing one version of a meeting document: with a PKCS#12 file and its password (signed on the
 * server in memory, never stored), or in the desktop app with a USB token (PKCS#11: the server
 * prepares, the token signs with the PIN, the server finishes — the key never leaves the token).
 */
import { Alert, FileInput, Modal, PasswordInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCertificate, IconUsb } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TokenCertificate } from '../../../../common/desktop-api';
import type { SignedDocument } from '../../../../common/api/signing';
import { FormFooter } from '../../app/FormFooter';
import { apiErrorMessage } from '../../app/i18n';
import { desktopApi } from '../../platform/desktop';
import { signingApi } from './signing-api';

type Method = 'p12' | 'token';

export function SignDialog({ document, defaultTitle, onClose, onSigned }: { document: SignedDocument | null; defaultTitle: string; onClose: () => void; onSigned: (doc: SignedDocument) => void }) {
  const { t } = useTranslation();
  const desktop = desktopApi();
  const [method, setMethod] = useState<Method>('p12');
  const [p12, setP12] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [title, setTitle] = useState(defaultTitle);
  const [certs, setCerts] = useState<TokenCertificate[] | null>(null);
  const [certId, setCertId] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setP12(null);
    setPassword('');
    setPin('');
    setError(null);
    setTitle(defaultTitle);
  }, [document?.id, defaultTitle]);

  useEffect(() => {
    if (method !== 'token' || !desktop || certs) return;
    desktop.listTokenCertificates().then(
      (list) => {
        setCerts(list);
        if (list.length === 1) setCertId(list[0]!.id);
      },
      () => setCerts([]),
    );
  }, [method, desktop, certs]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!document) return;
    setError(null);
    setBusy(true);
    try {
      if (method === 'p12') {
        if (!p12) throw new Error(t('signing.dialog.chooseFile'));
        onSigned(await signingApi.signP12(document.id, p12, password, title));
      } else {
        const cert = certs?.find((c) => c.id === certId);
        if (!desktop || !cert) throw new Error(t('signing.dialog.chooseCertificate'));
        const prepared = await signingApi.prepare(document.id, [cert.certificate, ...cert.chain], title);
        const signed = await desktop.signWithToken(cert.id, pin, prepared.signedAttributes);
        if (!signed.ok) throw new Error(t(`signing.tokenError.${signed.error}`));
        onSigned(await signingApi.finish(document.id, prepared.preparationId, signed.signature));
      }
      setPassword('');
      setPin('');
    } catch (err) {
      const reason = (err as { details?: { reason?: string } }).details?.reason;
      setError(reason && t(`signing.reasons.${reason}`, { defaultValue: '' }) ? t(`signing.reasons.${reason}`) : err instanceof Error && !('code' in err) ? err.message : apiErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={document !== null} onClose={onClose} title={t('signing.dialog.title', { title: document?.title ?? '' })} size="lg">
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          <Text size="sm">{t('signing.dialog.intro', { version: document?.version ?? 1 })}</Text>
          {desktop && (
            <SegmentedControl
              value={method}
              onChange={(v) => setMethod(v as Method)}
              data={[
                { value: 'p12', label: t('signing.dialog.p12') },
                { value: 'token', label: t('signing.dialog.token') },
              ]}
            />
          )}
          {method === 'p12' ? (
            <>
              <FileInput label={t('signing.dialog.p12File')} placeholder={t('signing.dialog.p12Placeholder')} accept=".p12,.pfx,application/x-pkcs12" value={p12} onChange={setP12} leftSection={<IconCertificate size={16} />} required clearable />
              <PasswordInput label={t('signing.dialog.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="off" />
              <Text size="xs" c="dimmed">
                {t('signing.dialog.p12Privacy')}
              </Text>
            </>
          ) : (
            <>
              {certs && certs.length === 0 && <Alert color="orange">{t('signing.dialog.noToken')}</Alert>}
              <Select
                label={t('signing.dialog.certificate')}
                leftSection={<IconUsb size={16} />}
                data={(certs ?? []).map((c) => ({ value: c.id, label: `${c.subject} — ${c.issuer} (${c.tokenLabel})` }))}
                value={certId}
                onChange={setCertId}
                placeholder={certs ? undefined : t('signing.dialog.readingToken')}
                required
              />
              <PasswordInput label={t('signing.dialog.pin')} value={pin} onChange={(e) => setPin(e.currentTarget.value)} autoComplete="off" required />
            </>
          )}
          <TextInput label={t('signing.dialog.stampTitle')} description={t('signing.dialog.stampTitleHint')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={120} />
          <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel={t('signing.dialog.sign')} />
        </Stack>
      </form>
    </Modal>
  );
}
