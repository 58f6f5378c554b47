/**
 * A big stage over a strip: the speaker view, chair focus, and any layout while a screen is shared.
 * The stage's tiles share its area as large as possible; the strip under it shows the others at a
 * small size, paged when they do not all fit.
 */
import { Box, Group, Stack } from '@mantine/core';
import { useRef, useState } from 'react';
import { RoomTile, type RoomTileContext } from '../RoomTile';
import { useElementSize } from '../use-element-size';
import { clampPage, fitGrid, pageCount, pageSlice, TILE_ASPECT, TILE_GAP, type LayoutKind, type TileItem } from './layout-model';
import { Pager } from './Pager';

const PAGER_WIDTH = 150;

/** The strip's height: a sixth of the area, between 90 and 150 px. */
export const stripHeight = (areaHeight: number) => Math.round(Math.min(150, Math.max(90, areaHeight / 6)));

export function StageLayout({ layout, stage, strip, ctx }: { layout: LayoutKind; stage: TileItem[]; strip: TileItem[]; ctx: RoomTileContext }) {
  const ref = useRef<HTMLDivElement>(null);
  const size = useElementSize(ref);
  const [page, setPage] = useState(0);
  const stripH = strip.length > 0 ? stripHeight(size.height) : 0;
  const stageH = Math.max(0, size.height - stripH - (stripH ? TILE_GAP : 0));
  const fit = fitGrid(stage.length, size.width, stageH);
  const stripTileW = Math.floor(stripH * TILE_ASPECT);
  const perPage = Math.max(1, Math.floor((size.width - PAGER_WIDTH + TILE_GAP) / (stripTileW + TILE_GAP)));
  const pages = pageCount(strip.length, perPage);
  const current = clampPage(page, strip.length, perPage);
  const visible = pageSlice(strip, current, perPage);
  const ready = size.width > 0 && fit.tileWidth > 0;
  return (
    <Stack ref={ref} flex={1} gap={TILE_GAP} style={{ minHeight: 0, minWidth: 0 }} data-testid="video-grid" data-layout={layout}>
      <Box flex={1} style={{ display: 'flex', flexWrap: 'wrap', alignContent: 'center', justifyContent: 'center', gap: TILE_GAP, minHeight: 0 }} data-testid="stage">
        {ready && stage.map((item) => <RoomTile key={item.key} item={item} ctx={ctx} width={fit.tileWidth} height={fit.tileHeight} />)}
      </Box>
      {stripH > 0 && (
        <Group h={stripH} gap={TILE_GAP} justify="center" wrap="nowrap" data-testid="strip" style={{ flex: 'none' }}>
          {ready && visible.map((item) => <RoomTile key={item.key} item={item} ctx={ctx} width={stripTileW} height={stripH} />)}
          {pages > 1 && <Pager page={current} pages={pages} onPage={setPage} testId="strip-pager" />}
        </Group>
      )}
    </Stack>
  );
}
