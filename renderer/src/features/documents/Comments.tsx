/**
 * Threaded comments on an agenda item or a document (the "exchange of opinions online"): the
 * thread, replies one level under their comment, and a form. New comments of others arrive live
 * in the conference room (docComment) or on reload.
 */
import { Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocComment } from '../../../../common/api/documents';
import { apiErrorMessage } from '../../shared/errors';
import { formatDateTime } from '../../shared/time';
import { addComment } from './documents-api';

export interface CommentTarget {
  agendaItemId?: string;
  documentId?: string;
}

function CommentForm({ meetingId, target, parentId, onAdded, onCancel, label }: { meetingId: string; target: CommentTarget; parentId?: string; onAdded: (c: DocComment) => void; onCancel?: () => void; label: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      onAdded(await addComment(meetingId, { ...target, ...(parentId ? { parentId } : {}), body: text.trim() }));
      setText('');
      onCancel?.();
    } catch (err) {
      setError(apiErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <Stack gap={4}>
        <Textarea size="xs" autosize minRows={1} maxRows={6} maxLength={4000} value={text} onChange={(e) => setText(e.currentTarget.value)} aria-label={label} placeholder={label} error={error} data-testid="comment-input" />
        <Group gap={4} justify="flex-end">
          {onCancel && (
            <Button size="compact-xs" variant="subtle" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
          <Button size="compact-xs" type="submit" loading={busy} disabled={!text.trim()}>
            {t('documents.comments.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function CommentThread({ meetingId, target, comments, onAdded, canWrite }: { meetingId: string; target: CommentTarget; comments: DocComment[]; onAdded: (c: DocComment) => void; canWrite: boolean }) {
  const { t } = useTranslation();
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const mine = comments.filter((c) => (target.documentId ? c.documentId === target.documentId : c.agendaItemId === target.agendaItemId && !c.documentId));
  const roots = mine.filter((c) => !c.parentId || !mine.some((p) => p.id === c.parentId));
  const replies = (id: string) => mine.filter((c) => c.parentId === id);
  const one = (c: DocComment) => (
    <Paper key={c.id} withBorder p={6} radius="sm" data-testid="comment">
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="xs" fw={600} truncate>
          {c.authorName}
        </Text>
        <Text size="xs" c="dimmed">
          {formatDateTime(c.createdAt)}
        </Text>
      </Group>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {c.body}
      </Text>
    </Paper>
  );
  return (
    <Stack gap={6} aria-label={t('documents.comments.title')}>
      {roots.length === 0 && (
        <Text size="xs" c="dimmed">
          {t('documents.comments.none')}
        </Text>
      )}
      {roots.map((c) => (
        <Stack key={c.id} gap={4}>
          {one(c)}
          <Stack gap={4} pl="md">
            {replies(c.id).map(one)}
            {canWrite &&
              (replyTo === c.id ? (
                <CommentForm meetingId={meetingId} target={target} parentId={c.id} onAdded={onAdded} onCancel={() => setReplyTo(null)} label={t('documents.comments.reply')} />
              ) : (
                <Button size="compact-xs" variant="subtle" w="fit-content" onClick={() => setReplyTo(c.id)}>
                  {t('documents.comments.reply')}
                </Button>
              ))}
          </Stack>
        </Stack>
      ))}
      {canWrite && <CommentForm meetingId={meetingId} target={target} onAdded={onAdded} label={t('documents.comments.write')} />}
    </Stack>
  );
}

export { withComment } from './comment-list';
