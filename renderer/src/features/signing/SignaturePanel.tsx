/**
 * Who signed a PDF, when, and whether each signature holds: the bytes unchanged since, what was
 * added after it, and whether the certificate comes from an authority the administrator trusts.
 * Shows a verification report (from /api/signing/verify or a stored document's verification).
 */
import { Alert, Badge, Group, List, Loader, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleX, IconShieldCheck, IconShieldExclamation, IconShieldX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { SignatureCheck, VerificationReport } from '../../../../common/api/signing';
import { apiErrorMessage } from '../../shared/errors';

/** Time in Việt Nam, e.g. "14:52:07 23/11/2026". */
export function formatVietnamTime(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
}

export type SignatureVerdict = 'valid' | 'untrusted' | 'invalid';

export function verdictOf(s: SignatureCheck): SignatureVerdict {
  if (!s.intact) return 'invalid';
  return s.trusted ? 'valid' : 'untrusted';
}

const VERDICT_ICON = { valid: IconShieldCheck, untrusted: IconShieldExclamation, invalid: IconShieldX } as const;
const VERDICT_COLOR = { valid: 'green', untrusted: 'orange', invalid: 'red' } as const;

function Line({ ok, warn, children }: { ok: boolean; warn?: boolean; children: string }) {
  const Icon = ok ? IconCircleCheck : warn ? IconAlertTriangle : IconCircleX;
  return (
    <List.Item icon={<Icon size={16} color={ok ? 'var(--mantine-color-green-7)' : warn ? 'var(--mantine-color-orange-7)' : 'var(--mantine-color-red-7)'} aria-hidden />}>
      <Text size="sm">{children}</Text>
    </List.Item>
  );
}

function SignatureItem({ s }: { s: SignatureCheck }) {
  const { t, i18n } = useTranslation();
  const verdict = verdictOf(s);
  const Icon = VERDICT_ICON[verdict];
  const name = s.signerName || t('signing.unknownSigner');
  return (
    <Paper withBorder p="sm" radius="md" data-testid="signature-item" data-verdict={verdict}>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <ThemeIcon color={VERDICT_COLOR[verdict]} variant="light" size="lg" radius="xl" aria-hidden>
          <Icon size={20} />
        </ThemeIcon>
        <Stack gap={4} style={{ flex: 1 }}>
          <Text fw={600} data-testid="signature-headline">
            {t(`signing.verdict.${verdict}`, { name })}
          </Text>
          {(s.organization || s.certificateTitle) && (
            <Text size="sm" c="dimmed">
              {[s.certificateTitle, s.organization].filter(Boolean).join(' · ')}
            </Text>
          )}
          <Text size="sm">{s.signingTime ? t('signing.signedAt', { time: formatVietnamTime(s.signingTime, i18n.language) }) : t('signing.noTime')}</Text>
          {s.issuerName && <Text size="sm">{t('signing.issuedBy', { issuer: s.issuerName })}</Text>}
          {s.reason && <Text size="sm">{t('signing.reason', { reason: s.reason })}</Text>}
          <List spacing={2} mt={4}>
            <Line ok={s.intact}>{s.intact ? t('signing.intact') : t(`signing.problem.${s.problem ?? 'bad_signature'}`)}</Line>
            {s.intact && <Line ok={s.modifiedAfter !== 'other'} warn>{t(`signing.after.${s.modifiedAfter}`)}</Line>}
            {s.intact && <Line ok={s.trusted} warn={s.trustProblem === 'untrusted'}>{s.trusted ? t('signing.trusted') : t(`signing.trust.${s.trustProblem ?? 'untrusted'}`)}</Line>}
          </List>
          {s.pageNumber !== null && (
            <Text size="xs" c="dimmed">
              {t('signing.onPage', { page: s.pageNumber })}
            </Text>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}

export function SignaturePanel({ report, loading = false, error = null }: { report: VerificationReport | null | undefined; loading?: boolean; error?: unknown }) {
  const { t } = useTranslation();
  if (error)
    return (
      <Alert color="red" role="alert" title={t('signing.verifyFailed')} data-testid="signature-panel">
        {apiErrorMessage(error)}
      </Alert>
    );
  if (loading || !report)
    return (
      <Group gap="xs" data-testid="signature-panel" aria-busy="true">
        <Loader size="sm" />
        <Text size="sm">{t('signing.verifying')}</Text>
      </Group>
    );
  const valid = report.signatures.filter((s) => verdictOf(s) === 'valid').length;
  return (
    <Stack gap="sm" data-testid="signature-panel" aria-live="polite">
      {report.signatures.length === 0 ? (
        <Text size="sm">{t('signing.none')}</Text>
      ) : (
        <Group gap="xs">
          <Badge color={valid === report.signatures.length ? 'green' : 'orange'} variant="light">
            {t('signing.count', { count: report.signatures.length, valid })}
          </Badge>
        </Group>
      )}
      {report.signatures.map((s, i) => (
        <SignatureItem key={`${s.byteRange.join('-')}-${i}`} s={s} />
      ))}
    </Stack>
  );
}
