/**
 * Opens one document for reading: loads the chosen version's bytes (device cache or server,
 * checked against its SHA-256), works out the watermark (the reader's name, unit and the time of
 * opening), and shows the viewer. Used on the meeting page and in the conference room.
 */
import { Alert, Badge, Button, Group, Loader, Select, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentVersion, MeetingDocument } from '../../../../common/api/documents';
import { apiErrorMessage } from '../../shared/errors';
import { formatDateTime } from '../../shared/time';
import { useAsync } from '../../shared/use-async';
import { api, ApiRequestError } from '../../net/api-client';
import { useAccount } from '../auth/session';
import { IntegrityError, loadVersionBytes, type LoadedBytes } from './load-document';
import { PdfViewer, type PdfViewerProps } from './PdfViewer';

/** The reader's name, unit (or bridge point) and a date-time, as watermark lines. */
export function useWatermarkLines(enabled: boolean): string[] | null {
  const me = useAccount();
  const units = useAsync(() => api.units(), [], enabled && Boolean(me.unitId));
  const points = useAsync(() => api.bridgePoints(), [], enabled && Boolean(me.bridgePointId));
  const [at] = useState(() => new Date().toISOString());
  return useMemo(() => {
    if (!enabled) return null;
    const unit = units.data?.find((u) => u.id === me.unitId)?.name ?? points.data?.find((p) => p.id === me.bridgePointId)?.name ?? '';
    return [[me.displayName, unit].filter(Boolean).join(' — '), formatDateTime(at)];
  }, [enabled, me, units.data, points.data, at]);
}

export interface DocumentReaderProps extends Pick<PdfViewerProps, 'target' | 'onPageChange' | 'banner'> {
  meetingId: string;
  doc: MeetingDocument;
  /** The version to show; the newest when not given. */
  versionId?: string | undefined;
  /** Called when the reader picks another version (when the screen controls the version). */
  onVersionChange?: (versionId: string) => void;
  actions?: ReactNode;
}

export function DocumentReader(props: DocumentReaderProps) {
  const { t } = useTranslation();
  const { doc } = props;
  const [ownVersion, setOwnVersion] = useState<string | null>(null);
  const versionId = props.versionId ?? ownVersion ?? doc.versions[0]!.id;
  const version: DocumentVersion | undefined = doc.versions.find((v) => v.id === versionId);
  const [loaded, setLoaded] = useState<LoadedBytes | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const watermark = useWatermarkLines(doc.watermark);

  // Loaded again only when the version (or its confidentiality) changes, not when the pack is
  // reloaded with equal data: a reload must not reset the page being read.
  const current = useRef({ doc, version });
  current.current = { doc, version };
  useEffect(() => {
    const { doc: d, version: v } = current.current;
    if (!v) return;
    let alive = true;
    setLoaded(null);
    setError(null);
    loadVersionBytes(d, v).then(
      (l) => alive && setLoaded(l),
      (err: unknown) => alive && setError(err),
    );
    return () => {
      alive = false;
    };
  }, [doc.id, doc.confidential, version?.id, version?.sha256, attempt]);

  if (!version) return <Alert color="orange">{t('documents.viewer.versionGone')}</Alert>;
  const pickVersion = (id: string | null) => {
    if (!id) return;
    if (props.onVersionChange) props.onVersionChange(id);
    else setOwnVersion(id);
  };
  const versionPicker =
    doc.versions.length > 1 ? (
      <Select
        size="xs"
        w={150}
        aria-label={t('documents.versions')}
        value={version.id}
        onChange={pickVersion}
        allowDeselect={false}
        data={doc.versions.map((v) => ({ value: v.id, label: t('documents.versionLabel', { n: v.number }) + (v.id === doc.versions[0]!.id ? ` (${t('documents.latest')})` : '') }))}
      />
    ) : null;

  if (error) {
    const offline = error instanceof ApiRequestError && error.status === 0;
    return (
      <Stack p="md">
        <Alert color="red" role="alert" title={t('documents.viewer.openFailed')}>
          {error instanceof IntegrityError ? t('documents.viewer.integrityFailed') : offline ? t('documents.offline.notCached') : apiErrorMessage(error)}
        </Alert>
        <Group>
          <Button size="xs" variant="light" onClick={() => setAttempt((a) => a + 1)}>
            {t('common.retry')}
          </Button>
          {props.actions}
        </Group>
      </Stack>
    );
  }
  if (!loaded)
    return (
      <Group justify="center" p="xl">
        <Loader aria-label={t('common.loading')} />
      </Group>
    );
  return (
    <PdfViewer
      meetingId={props.meetingId}
      doc={doc}
      version={version}
      bytes={loaded.bytes}
      watermark={watermark}
      target={props.target}
      onPageChange={props.onPageChange}
      banner={props.banner}
      actions={
        <Group gap={6} wrap="nowrap">
          {doc.confidential && (
            <Badge color="red" variant="light">
              {t('documents.confidential')}
            </Badge>
          )}
          {loaded.fromCache && (
            <Badge color="gray" variant="light" title={t('documents.offline.fromDeviceHint')}>
              {t('documents.offline.fromDevice')}
            </Badge>
          )}
          {versionPicker}
          {props.actions}
        </Group>
      }
    />
  );
}

export const versionText = (v: DocumentVersion, t: (k: string, o?: Record<string, unknown>) => string) =>
  `${t('documents.versionLabel', { n: v.number })} · ${t('documents.pages', { count: v.pageCount })} · ${(v.size / 1024 / 1024).toFixed(2)} MB`;

export function HashLine({ version }: { version: DocumentVersion }) {
  const { t } = useTranslation();
  return (
    <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
      SHA-256: {version.sha256} <span className="sr-only">{t('documents.hashHint')}</span>
    </Text>
  );
}
