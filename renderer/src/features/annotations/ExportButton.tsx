/**
 * "Xuất PDF kèm ghi chú" (a VIEWER_TOOLS entry): the document with the shared layer and my private
 * layer flattened in, downloaded by the browser. Not offered for confidential documents (they
 * cannot be downloaded, printed or exported).
 */
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileExport } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import latinFontUrl from '@fontsource/be-vietnam-pro/files/be-vietnam-pro-latin-400-normal.woff?url';
import vietnameseFontUrl from '@fontsource/be-vietnam-pro/files/be-vietnam-pro-vietnamese-400-normal.woff?url';
import type { ViewerToolProps } from '../documents/page-overlays';
import { useAnnotationEngine } from './use-annotations';

async function bytesOf(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

export function exportFileName(fileName: string): string {
  const base = fileName.replace(/\.pdf$/i, '') || 'tai-lieu';
  return `${base} (kèm ghi chú).pdf`;
}

export function ExportButton(props: ViewerToolProps) {
  const { t } = useTranslation();
  const engine = useAnnotationEngine(props.meetingId, props.documentId, props.versionId);
  const [busy, setBusy] = useState(false);
  if (props.confidential || !engine) return null;

  const run = async () => {
    if (!props.pdfBytes) return;
    setBusy(true);
    try {
      const { flattenAnnotations } = await import('./flatten-pdf');
      const [latin, vietnamese] = await Promise.all([bytesOf(latinFontUrl), bytesOf(vietnameseFontUrl)]);
      const all = engine.allMarks(props.pageCount);
      const pages = new Map([...all].map(([page, marks]) => [page, [...marks.shared.map((mark) => ({ mark, layer: 'shared' as const })), ...marks.private.map((mark) => ({ mark, layer: 'private' as const }))]]));
      const bytes = await flattenAnnotations({ pdf: props.pdfBytes.slice(), pages, fonts: { latin, vietnamese }, privateLabel: t('annotations.privateMark'), title: props.fileName });
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/pdf' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = exportFileName(props.fileName);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      notifications.show({ color: 'red', message: t('annotations.exportFailed', { message: err instanceof Error ? err.message : String(err) }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Button size="xs" variant="default" leftSection={<IconFileExport size={16} />} loading={busy} disabled={!props.pdfBytes} onClick={() => void run()}>
      {busy ? t('annotations.exporting') : t('annotations.export')}
    </Button>
  );
}
