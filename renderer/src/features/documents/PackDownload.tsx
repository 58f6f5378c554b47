/**
 * "Tải cả bộ tài liệu" on the meeting page: keeps every document of the published pack on this
 * device (pack-download.ts) with a progress bar, then says how much space it takes and when it
 * was kept; says so at once when the pack as listed is already kept.
 */
import { Alert, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { IconCloudDownload, IconDeviceFloppy } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentPack } from '../../../../common/api/documents';
import { apiErrorMessage } from '../../shared/errors';
import { formatDateTime } from '../../shared/time';
import { keepLoadedFilesOffline } from '../../offline/register';
import { useAccount } from '../auth/session';
import { fetchFile } from './documents-api';
import { hasFile, keptPack, saveFile, saveKeptPack, sha256Hex } from './offline-cache';
import { loadReader } from './LazyDocumentReader';
import { useViewerExtensions } from './page-overlays';
import { downloadPack, formatBytes, keptCovers, PackIntegrityError, packFiles, type KeptPack, type PackProgress } from './pack-download';

export function PackDownload({ pack, offline }: { pack: DocumentPack; offline: boolean }) {
  const { t, i18n } = useTranslation();
  const me = useAccount();
  const extensions = useViewerExtensions();
  const { files, confidential } = useMemo(() => packFiles(pack), [pack]);
  const [kept, setKept] = useState<KeptPack | null>(null);
  const [progress, setProgress] = useState<PackProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    let alive = true;
    keptPack(me.id, pack.meetingId).then((k) => alive && setKept(k));
    return () => {
      alive = false;
      abort.current?.abort();
    };
  }, [me.id, pack.meetingId]);

  if (files.length === 0) return null;
  const covered = keptCovers(kept, files);
  const size = (n: number) => formatBytes(n, i18n.language);

  const start = async () => {
    const ac = new AbortController();
    abort.current = ac;
    setError(null);
    // Ask the browser not to evict what is kept under storage pressure (it may refuse).
    void navigator.storage?.persist?.().catch(() => false);
    try {
      // The reader's code and pdf.js, fetched now so the app's offline copy (service worker) has
      // them even if no document was opened yet.
      await Promise.all([loadReader(), extensions.preload?.(), import('./pdf').then((m) => m.prewarmPdf())]);
      // And every app file this page fetched before the worker controlled it (the meeting page's
      // own code, fetched ahead from "my meetings" on a first visit): kept too before going on.
      await keepLoadedFilesOffline();
      const done = await downloadPack(files, { has: hasFile, fetch: (f) => fetchFile(f.documentId, f.versionId), hash: sha256Hex, save: saveFile }, setProgress, ac.signal);
      await saveKeptPack(me.id, pack.meetingId, done);
      setKept(done);
    } catch (err) {
      if (!ac.signal.aborted) setError(err);
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  return (
    <Stack gap={4} data-testid="pack-download" data-state={progress ? 'downloading' : covered ? 'kept' : 'not-kept'}>
      <Group gap="xs">
        {!offline && (
          <Button size="xs" variant={covered ? 'default' : 'light'} leftSection={<IconCloudDownload size={16} />} loading={progress !== null} onClick={() => void start()} data-testid="pack-download-button">
            {covered ? t('documents.pack.downloadAgain') : t('documents.pack.download')}
          </Button>
        )}
        {progress && (
          <Button size="xs" variant="subtle" color="gray" onClick={() => abort.current?.abort()}>
            {t('common.cancel')}
          </Button>
        )}
        {covered && kept && !progress && (
          <Text size="xs" c="dimmed" data-testid="pack-kept">
            <IconDeviceFloppy size={14} style={{ verticalAlign: 'middle' }} aria-hidden /> {t('documents.pack.kept', { count: kept.files, size: size(kept.bytes), time: formatDateTime(kept.at) })}
          </Text>
        )}
        {!covered && !progress && (
          <Text size="xs" c="dimmed">
            {t('documents.pack.size', { count: files.length, size: size(files.reduce((n, f) => n + f.size, 0)) })}
          </Text>
        )}
      </Group>
      {progress && (
        <Stack gap={2}>
          <Progress value={progress.totalBytes ? (100 * progress.doneBytes) / progress.totalBytes : 100} aria-label={t('documents.pack.progressLabel')} data-testid="pack-download-progress" />
          <Text size="xs" aria-live="polite">
            {t('documents.pack.progress', { done: progress.doneFiles, total: progress.totalFiles, doneSize: size(progress.doneBytes), totalSize: size(progress.totalBytes) })}
          </Text>
        </Stack>
      )}
      {confidential > 0 && (
        <Text size="xs" c="dimmed">
          {t('documents.pack.confidentialLeftOut', { count: confidential })}
        </Text>
      )}
      {error ? (
        <Alert color="red" p="xs" role="alert">
          {error instanceof PackIntegrityError ? t('documents.pack.integrityFailed', { title: error.title }) : apiErrorMessage(error)}
        </Alert>
      ) : null}
    </Stack>
  );
}
