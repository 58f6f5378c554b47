/**
 * The annotation palette in the viewer's annotation bar (a viewer tool, app/viewer-extensions.ts):
 * tool, colour, the layer I draw into (shared or private), undo/redo, and whether the layers are in
 * sync with the server. On a phone (narrower than COMPACT_BELOW) it never needs sideways
 * scrolling: the tools, undo and redo stay in one row, the colours open from one swatch button, the
 * layer choice is in a "more" menu, and the sync status leaves the toolbar (the bar puts it on the
 * next line with the export and signature buttons).
 */
import { ActionIcon, Badge, ColorSwatch, Group, Menu, SegmentedControl, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowBackUp, IconArrowForwardUp, IconCheck, IconDots, IconEraser, IconHighlight, IconNote, IconPencil, IconPointer } from '@tabler/icons-react';
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

/** Viewport width (px) below which the palette is compact. */
export const COMPACT_BELOW = 640;

export function AnnotationToolbar({ meetingId, documentId, versionId }: ViewerToolProps) {
  const { t } = useTranslation();
  const engine = useAnnotationEngine(meetingId, documentId, versionId);
  const state = useAnnotationState(engine);
  const compact = useMediaQuery(`(max-width: ${COMPACT_BELOW - 0.02}px)`) ?? false;

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

  const swatches = (
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
  );
  const status = (
    <Badge
      variant="light"
      color={readOnly ? 'gray' : layerStatus === 'connected' ? 'green' : layerStatus === 'refused' || layerStatus === 'full' ? 'red' : 'orange'}
      data-testid="annotation-status"
      data-status={layerStatus}
    >
      {readOnly ? t('annotations.status.readOnly') : t(`annotations.status.${layerStatus}`)}
    </Badge>
  );
  const drawing = state.tool === 'pen' || state.tool === 'highlighter';

  return (
    <>
      <Group gap={6} wrap="nowrap" role="toolbar" aria-label={t('annotations.toolbar')} data-testid="annotation-toolbar" data-compact={compact}>
        {!compact && (
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
        )}
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
        {drawing &&
          (compact ? (
            <Menu position="bottom" withArrow shadow="md">
              <Menu.Target>
                <Tooltip label={t('annotations.color')}>
                  <ActionIcon variant="default" aria-label={t('annotations.color')} data-testid="annotation-color-menu">
                    <ColorSwatch color={state.color} size={16} />
                  </ActionIcon>
                </Tooltip>
              </Menu.Target>
              <Menu.Dropdown p="xs">{swatches}</Menu.Dropdown>
            </Menu>
          ) : (
            swatches
          ))}
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
        {compact && (
          <Menu position="bottom-end" withArrow shadow="md">
            <Menu.Target>
              <Tooltip label={t('annotations.more')}>
                <ActionIcon variant="default" aria-label={t('annotations.more')} data-testid="annotation-more">
                  <IconDots size={18} />
                </ActionIcon>
              </Tooltip>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{t('annotations.layer')}</Menu.Label>
              {(['shared', 'private'] as const).map((layer) => (
                <Menu.Item key={layer} onClick={() => engine.setLayer(layer)} rightSection={state.layer === layer ? <IconCheck size={14} aria-label={t('annotations.currentLayer')} /> : null}>
                  {t(`annotations.${layer}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )}
        {!compact && status}
      </Group>
      {compact && status}
    </>
  );
}
