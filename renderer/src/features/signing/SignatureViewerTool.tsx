/**
 * The viewer's "Chữ ký số" button (a VIEWER_TOOLS entry): verifies the shown version's bytes
 * through /api/signing/verify and shows the signature panel in a drawer.
 */
import { Button, Drawer } from '@mantine/core';
import { IconSignature } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VerificationReport } from '../../../../common/api/signing';
import type { ViewerToolProps } from '../documents/page-overlays';
import { SignaturePanel } from './SignaturePanel';
import { signingApi } from './signing-api';

export function SignatureViewerTool({ versionId, pdfBytes, fileName }: ViewerToolProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [report, setReport] = useState<VerificationReport | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setReport(null);
    setError(null);
  }, [versionId]);

  useEffect(() => {
    if (!open || !pdfBytes || report) return;
    let live = true;
    signingApi.verifyBytes(pdfBytes).then(
      (r) => live && setReport(r),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [open, pdfBytes, report]);

  return (
    <>
      <Button variant="default" size="xs" leftSection={<IconSignature size={16} />} onClick={() => setOpen(true)} disabled={!pdfBytes}>
        {t('signing.toolButton')}
      </Button>
      <Drawer opened={open} onClose={() => setOpen(false)} position="right" title={t('signing.panelTitle', { name: fileName })} size="md">
        <SignaturePanel report={report} loading={!report && !error} error={error} />
      </Drawer>
    </>
  );
}
