/**
 * Signing one version of a meeting document. The key never leaves the device:
 *   - browser: the PKCS#12 file is read in the page and the signature made here (device-sign.ts);
 *   - desktop app: a PKCS#12 file chosen in a native dialog, or a USB token (PKCS#11). The page
 *     asks the server to prepare, then asks the app to sign that preparation: the app downloads the
 *     document itself, shows it (title, meeting, SHA-256, signer) in its own window and takes the
 *     PIN or password there. The page never sees the PIN and never chooses the bytes signed.
 */
import { Alert, Button, FileInput, Group, Modal, PasswordInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCertificate, IconUsb } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceIdentity, DeviceSigner, TokenCertificate } from '../../../../common/desktop-api';
import type { SignedDocument } from '../../../../common/api/signing';
import { DeviceSigningError } from '../../../../common/signing/device-signing';
import { FormFooter } from '../../shared/FormFooter';
import { apiErrorMessage } from '../../shared/errors';
import { desktopApi } from '../../platform/desktop';
import { signWithP12OnDevice } from './device-sign';
import { signingApi } from './signing-api';

/** A refusal of the desktop app or of the page's own signing step, shown with its i18n key. */
class DeviceError extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

type Method = 'p12' | 'token';

export function SignDialog({ document, defaultTitle, onClose, onSigned }: { document: SignedDocument | null; defaultTitle: string; onClose: () => void; onSigned: (doc: SignedDocument) => void }) {
  const { t } = useTranslation();
  const desktop = desktopApi();
  const [method, setMethod] = useState<Method>('p12');
  const [p12, setP12] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [identity, setIdentity] = useState<DeviceIdentity | null>(null);
  const [title, setTitle] = useState(defaultTitle);
  const [certs, setCerts] = useState<TokenCertificate[] | null>(null);
  const [certId, setCertId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setP12(null);
    setPassword('');
    setIdentity(null);
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

  const showError = (err: unknown) => {
    if (err instanceof DeviceError) return setError(t(`signing.tokenError.${err.key}`));
    if (err instanceof DeviceSigningError) return setError(t(`signing.tokenError.${err.code}`));
    const reason = (err as { details?: { reason?: string } }).details?.reason;
    setError(reason && t(`signing.reasons.${reason}`, { defaultValue: '' }) ? t(`signing.reasons.${reason}`) : err instanceof Error && !('code' in err) ? err.message : apiErrorMessage(err));
  };

  const openP12InApp = async () => {
    if (!desktop) return;
    setError(null);
    const r = await desktop.openP12File();
    if (r.ok) setIdentity(r.identity);
    else if (r.error !== 'cancelled') setError(t(`signing.tokenError.${r.error}`));
  };

  /** Desktop: the server prepares for this certificate, then the app signs that preparation. */
  const signInApp = async (doc: SignedDocument, certificates: string[], signer: DeviceSigner) => {
    const prepared = await signingApi.prepare(doc.id, certificates, title);
    const r = await desktop!.signPreparedDocument({ documentId: doc.id, preparationId: prepared.preparationId, signer });
    if (!r.ok) throw new DeviceError(r.error);
    return signingApi.finish(doc.id, { preparationId: prepared.preparationId, signedAttributes: r.signedAttributes, signature: r.signature });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!document) return;
    setError(null);
    setBusy(true);
    try {
      if (method === 'p12' && !desktop) {
        if (!p12) throw new Error(t('signing.dialog.chooseFile'));
        onSigned(await signWithP12OnDevice(document, p12, password, title));
      } else if (method === 'p12') {
        if (!identity) throw new Error(t('signing.dialog.chooseFile'));
        onSigned(await signInApp(document, [identity.certificate, ...identity.chain], { kind: 'p12', handle: identity.handle }));
        setIdentity(null);
      } else {
        const cert = certs?.find((c) => c.id === certId);
        if (!desktop || !cert) throw new Error(t('signing.dialog.chooseCertificate'));
        onSigned(await signInApp(document, [cert.certificate, ...cert.chain], { kind: 'token', certificateId: cert.id }));
      }
      setPassword('');
    } catch (err) {
      showError(err);
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
          {method === 'p12' && !desktop && (
            <>
              <FileInput label={t('signing.dialog.p12File')} placeholder={t('signing.dialog.p12Placeholder')} accept=".p12,.pfx,application/x-pkcs12" value={p12} onChange={setP12} leftSection={<IconCertificate size={16} />} required clearable />
              <PasswordInput label={t('signing.dialog.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="off" />
              <Text size="xs" c="dimmed">
                {t('signing.dialog.p12Privacy')}
              </Text>
            </>
          )}
          {method === 'p12' && desktop && (
            <>
              <Group>
                <Button variant="default" leftSection={<IconCertificate size={16} />} onClick={() => void openP12InApp()}>
                  {t('signing.dialog.chooseP12')}
                </Button>
              </Group>
              {identity && <Text size="sm">{t('signing.dialog.p12Opened', { subject: identity.subject, issuer: identity.issuer, file: identity.fileName })}</Text>}
              <Text size="xs" c="dimmed">
                {t('signing.dialog.p12PrivacyDesktop')}
              </Text>
            </>
          )}
          {method === 'token' && (
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
              <Text size="xs" c="dimmed">
                {t('signing.dialog.tokenPinInApp')}
              </Text>
            </>
          )}
          <TextInput label={t('signing.dialog.stampTitle')} description={t('signing.dialog.stampTitleHint')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={120} />
          <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel={t('signing.dialog.sign')} />
        </Stack>
      </form>
    </Modal>
  );
}
