/**
 * The chair's conclusions, co-edited live by the chair and the secretary: tiptap bound to the
 * collaboration document `minutes/<meetingId>` (Yjs over y-websocket, kept on this device too, as
 * annotation layers are — LayerConnection). The server reads the same document for the PDF.
 */
import { Badge, Group, Text } from '@mantine/core';
import { RichTextEditor } from '@mantine/tiptap';
import '@mantine/tiptap/styles.css';
import Collaboration from '@tiptap/extension-collaboration';
import { useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import { CONCLUSIONS_FIELD, minutesDocName } from '../../../../common/api/minutes';
import { serverUrl } from '../../platform/desktop';
import { LayerConnection, type LayerStatus } from '../annotations/layer-connection';

const STATUS_COLOR: Record<LayerStatus, string> = { connecting: 'gray', connected: 'green', offline: 'orange', refused: 'red', full: 'red' };

/** The connection to the conclusions' document while the editor is shown. */
function useConclusionsConnection(meetingId: string, accountId: string): { connection: LayerConnection | null; status: LayerStatus } {
  const [connection, setConnection] = useState<LayerConnection | null>(null);
  const [status, setStatus] = useState<LayerStatus>('connecting');
  useEffect(() => {
    let made: LayerConnection | null = null;
    let cancelled = false;
    void serverUrl().then((server) => {
      if (cancelled) return;
      const name = minutesDocName(meetingId);
      made = new LayerConnection(name, server ?? window.location.origin, `phonghop/${accountId}/${name}`, () => setStatus(made?.status ?? 'connecting'));
      setConnection(made);
    });
    return () => {
      cancelled = true;
      made?.destroy();
      setConnection(null);
    };
  }, [meetingId, accountId]);
  return { connection, status };
}

function Editor({ doc }: { doc: Y.Doc }) {
  const { t } = useTranslation();
  const editor = useEditor(
    {
      extensions: [StarterKit.configure({ undoRedo: false, link: false }), Collaboration.configure({ document: doc, field: CONCLUSIONS_FIELD })],
      editorProps: { attributes: { 'aria-label': t('minutes.editor.label'), 'data-testid': 'minutes-editor' } },
    },
    [doc],
  );
  const labels = {
    boldControlLabel: t('minutes.editor.bold'),
    italicControlLabel: t('minutes.editor.italic'),
    underlineControlLabel: t('minutes.editor.underline'),
    h3ControlLabel: t('minutes.editor.heading'),
    bulletListControlLabel: t('minutes.editor.bulletList'),
    orderedListControlLabel: t('minutes.editor.orderedList'),
    undoControlLabel: t('minutes.editor.undo'),
    redoControlLabel: t('minutes.editor.redo'),
  };
  return (
    <RichTextEditor editor={editor} labels={labels}>
      <RichTextEditor.Toolbar>
        <RichTextEditor.ControlsGroup>
          <RichTextEditor.Bold />
          <RichTextEditor.Italic />
          <RichTextEditor.Underline />
        </RichTextEditor.ControlsGroup>
        <RichTextEditor.ControlsGroup>
          <RichTextEditor.H3 />
          <RichTextEditor.BulletList />
          <RichTextEditor.OrderedList />
        </RichTextEditor.ControlsGroup>
        <RichTextEditor.ControlsGroup>
          <RichTextEditor.Undo />
          <RichTextEditor.Redo />
        </RichTextEditor.ControlsGroup>
      </RichTextEditor.Toolbar>
      <RichTextEditor.Content mih={140} />
    </RichTextEditor>
  );
}

export function ConclusionsEditor({ meetingId, accountId }: { meetingId: string; accountId: string }) {
  const { t } = useTranslation();
  const { connection, status } = useConclusionsConnection(meetingId, accountId);
  return (
    <div>
      <Group justify="space-between" mb={4}>
        <Text fw={600} size="sm">
          {t('minutes.editor.title')}
        </Text>
        <Badge variant="light" color={STATUS_COLOR[status]} data-testid="minutes-editor-status">
          {t(`minutes.editor.status.${status}`)}
        </Badge>
      </Group>
      {connection && <Editor doc={connection.doc} />}
    </div>
  );
}
