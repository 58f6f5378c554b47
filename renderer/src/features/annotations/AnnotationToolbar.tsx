/**
 * The annotation palette in the viewer's toolbar (a VIEWER_TOOLS entry): tool, colour, the layer
 * I draw into (shared or private), undo/redo, and whether the layers are in sync with the server.
 */
import { ActionIcon, Badge, ColorSwatch, Group, SegmentedControl, Tooltip } from '@mantine/core';
import { IconArrowBackUp, IconArrowForwardUp, IconEraser, IconHighlight, IconNote, IconPencil, IconPointer } from '@tabler/icons-react';
import { useEffect, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { ViewerToolProps } from '../documents/page-overlays';
import type { Layer, Tool } from './annotation-engine';
import { COLORS, HIGHLIGHTER_COLORS } from './mark-model';
import { useAnnotationEngine, useAnnotationState } from './use-annotations';

const TOOL_BUTTONS: { tool: Tool; icon: ComponentType<{ size?: number | string }> }[] = [
  { tool: 'none', icon: IconPointer },
  { tool: 'pen', icon: IconPencil },
  { tool: 'highlighter', icon: IconHighlight },
  { tool: 'note', icon: IconNote },
  { tool: 'eraser', icon: IconEraser },
];

export function AnnotationToolbar({ meetingId, documentId, versionId }: ViewerToolProps) {
  const { t } = useTranslation();
  const engine = useAnnotationEngine(meetingId, documentId, versionId);
  const state = useAnnotationState(engine);

  useEffect(() => {
    if (!engine) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) engine.undo();
      else if (key === 'y' || (key === 'z' && e.shiftKey)) engine.redo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [engine]);

  if (!engine || !state) return null;
  const layerStatus = state.status[state.layer];
  const readOnly = state.layer === 'shared' && state.sharedReadOnly;
  const palette = state.tool === 'highlighter' ? HIGHLIGHTER_COLORS : COLORS;

  return (
    <Group gap={6} wrap="nowrap" role="toolbar" aria-label={t('annotations.toolbar')} data-testid="annotation-toolbar">
      <SegmentedControl
        size="xs"
        value={state.layer}
        onChange={(v) => engine.setLayer(v as Layer)}
        aria-label={t('annotations.layer')}
        data={[
          { value: 'shared', label: t('annotations.shared') },
          { value: 'private', label: t('annotations.private') },
        ]}
      />
      <ActionIcon.Group>
        {TOOL_BUTTONS.map(({ tool, icon: Icon }) => (
          <Tooltip key={tool} label={t(`annotations.tools.${tool}`)}>
            <ActionIcon
              variant={state.tool === tool ? 'filled' : 'default'}
              aria-label={t(`annotations.tools.${tool}`)}
              aria-pressed={state.tool === tool}
              disabled={tool !== 'none' && readOnly}
              onClick={() => engine.setTool(tool)}
            >
              <Icon size={18} />
            </ActionIcon>
          </Tooltip>
        ))}
      </ActionIcon.Group>
      {(state.tool === 'pen' || state.tool === 'highlighter') && (
        <Group gap={4} wrap="nowrap" role="radiogroup" aria-label={t('annotations.color')}>
          {palette.map((c) => (
            <ColorSwatch
              key={c}
              component="button"
              type="button"
              color={c}
              size={20}
              role="radio"
              aria-checked={state.color === c}
              aria-label={t('annotations.colorName', { color: c })}
              onClick={() => engine.setColor(c)}
              style={{ cursor: 'pointer', outline: state.color === c ? '2px solid var(--mantine-color-blue-6)' : undefined, outlineOffset: 2 }}
            />
          ))}
        </Group>
      )}
      <ActionIcon.Group>
        <Tooltip label={t('annotations.undo')}>
          <ActionIcon variant="default" aria-label={t('annotations.undo')} disabled={!state.canUndo || readOnly} onClick={() => engine.undo()}>
            <IconArrowBackUp size={18} />
          </ActionIcon>
        </Tooltip>
        <Tooltip label={t('annotations.redo')}>
          <ActionIcon variant="default" aria-label={t('annotations.redo')} disabled={!state.canRedo || readOnly} onClick={() => engine.redo()}>
            <IconArrowForwardUp size={18} />
          </ActionIcon>
        </Tooltip>
      </ActionIcon.Group>
      <Badge
        variant="light"
        color={readOnly ? 'gray' : layerStatus === 'connected' ? 'green' : layerStatus === 'refused' || layerStatus === 'full' ? 'red' : 'orange'}
        data-testid="annotation-status"
        data-status={layerStatus}
      >
        {readOnly ? t('annotations.status.readOnly') : t(`annotations.status.${layerStatus}`)}
      </Badge>
    </Group>
  );
}
