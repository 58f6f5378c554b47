/**
 * Drag and drop PDFs onto an agenda item (several at once), or replace a document with a new
 * version; each file has its own progress bar (XMLHttpRequest upload progress) and its own
 * result: refused files say why (not a PDF, encrypted, broken, too large).
 */
import { ActionIcon, Group, Progress, Stack, Text } from '@mantine/core';
import { Dropzone, PDF_MIME_TYPE } from '@mantine/dropzone';
import { notifications } from '@mantine/notifications';
import { IconFileTypePdf, IconUpload, IconX } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeetingDocument } from '../../../../common/api/documents';
import { apiErrorMessage } from '../../shared/errors';
import { uploadFile, type UploadHandle } from './documents-api';

interface Upload {
  key: number;
  name: string;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  error?: string;
  handle?: UploadHandle;
}

/**
 * Files sent at once. The server reads at most a few PDFs per account at a time and refuses more
 * (429, so that one account cannot fill the queue everyone shares): a dropped pack goes two by two.
 */
const PARALLEL_UPLOADS = 2;

export function useUploads(onUploaded: (doc: MeetingDocument) => void) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const next = useRef(0);
  const waiting = useRef<Array<{ key: number; path: string; file: File }>>([]);
  const active = useRef(0);
  const update = (key: number, patch: Partial<Upload>) => setUploads((us) => us.map((u) => (u.key === key ? { ...u, ...patch } : u)));
  const pump = () => {
    while (active.current < PARALLEL_UPLOADS && waiting.current.length > 0) {
      const { key, path, file } = waiting.current.shift()!;
      active.current++;
      const handle = uploadFile(path, file, (p) => update(key, { progress: p }));
      update(key, { handle });
      handle.promise
        .then(
          (doc) => {
            update(key, { state: 'done', progress: 1 });
            onUploaded(doc);
            setTimeout(() => setUploads((us) => us.filter((u) => u.key !== key)), 4000);
          },
          (err: unknown) => update(key, { state: 'failed', error: apiErrorMessage(err) }),
        )
        .finally(() => {
          active.current--;
          pump();
        });
    }
  };
  const start = (path: string, files: File[]) => {
    for (const file of files) {
      const key = next.current++;
      waiting.current.push({ key, path, file });
      setUploads((us) => [...us, { key, name: file.name, progress: 0, state: 'uploading' }]);
    }
    pump();
  };
  const dismiss = (key: number) => {
    waiting.current = waiting.current.filter((w) => w.key !== key);
    setUploads((us) => {
      us.find((u) => u.key === key)?.handle?.abort();
      return us.filter((u) => u.key !== key);
    });
  };
  return { uploads, start, dismiss };
}

export function UploadList({ uploads, dismiss }: { uploads: Upload[]; dismiss: (key: number) => void }) {
  const { t } = useTranslation();
  if (!uploads.length) return null;
  return (
    <Stack gap={6} aria-live="polite">
      {uploads.map((u) => (
        <div key={u.key} data-testid="upload-row" data-state={u.state}>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text size="sm" truncate style={{ flex: 1 }}>
              {u.name}
            </Text>
            <Text size="xs" c={u.state === 'failed' ? 'red' : u.state === 'done' ? 'green' : 'dimmed'}>
              {u.state === 'failed' ? t('documents.upload.failed') : u.state === 'done' ? t('documents.upload.done') : `${Math.round(u.progress * 100)}%`}
            </Text>
            <ActionIcon size="sm" variant="subtle" aria-label={u.state === 'uploading' ? t('documents.upload.cancel') : t('common.close')} onClick={() => dismiss(u.key)}>
              <IconX size={14} />
            </ActionIcon>
          </Group>
          <Progress value={u.progress * 100} color={u.state === 'failed' ? 'red' : u.state === 'done' ? 'green' : 'blue'} size="sm" aria-label={t('documents.upload.progress', { name: u.name })} />
          {u.error && (
            <Text size="xs" c="red" role="alert">
              {u.error}
            </Text>
          )}
        </div>
      ))}
    </Stack>
  );
}

/** The drop area of one agenda item. */
export function UploadZone({ label, onFiles, maxMb }: { label: string; onFiles: (files: File[]) => void; maxMb?: number }) {
  const { t } = useTranslation();
  return (
    <Dropzone
      onDrop={onFiles}
      onReject={(rejected) => notifications.show({ color: 'red', message: t('documents.upload.onlyPdf', { names: rejected.map((r) => r.file.name).join(', ') }) })}
      // The server judges by content; the browser's type check only guides the picker.
      accept={[...PDF_MIME_TYPE, 'application/octet-stream']}
      multiple
      p="sm"
      aria-label={label}
      data-testid="upload-zone"
      {...(maxMb ? { maxSize: maxMb * 1024 * 1024 } : {})}
    >
      <Group justify="center" gap="sm" style={{ pointerEvents: 'none' }}>
        <Dropzone.Accept>
          <IconUpload size={24} />
        </Dropzone.Accept>
        <Dropzone.Reject>
          <IconX size={24} />
        </Dropzone.Reject>
        <Dropzone.Idle>
          <IconFileTypePdf size={24} />
        </Dropzone.Idle>
        <Text size="sm" c="dimmed">
          {t('documents.upload.drop')}
        </Text>
      </Group>
    </Dropzone>
  );
}
