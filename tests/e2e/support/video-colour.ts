/**
 * What a page's <video> shows, read back through a canvas: the mean colour of a box of the picture
 * as the browser decoded it (the broadcast and recording specs send plain red and blue pictures).
 */
import type { Locator } from '@playwright/test';

export type Rgb = [number, number, number];

/**
 * Mean R, G, B of the box (fractions of the picture) of the <video>'s current frame; null before
 * it has a frame. The default box is inside the large picture of the speaker-follow layout (left
 * 960 of 1280 pixels, below the title band).
 */
export function videoColour(video: Locator, box = { x: 0.3, y: 0.4, w: 0.1, h: 0.2 }): Promise<Rgb | null> {
  return video.evaluate((v: HTMLVideoElement, b) => {
    if (v.readyState < 2 || !v.videoWidth) return null;
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const g = c.getContext('2d')!;
    g.drawImage(v, 0, 0);
    const d = g.getImageData(Math.round(c.width * b.x), Math.round(c.height * b.y), Math.round(c.width * b.w), Math.round(c.height * b.h)).data;
    let r = 0;
    let gr = 0;
    let bl = 0;
    for (let i = 0; i < d.length; i += 4) {
      r += d[i]!;
      gr += d[i + 1]!;
      bl += d[i + 2]!;
    }
    const n = d.length / 4;
    return [r / n, gr / n, bl / n] as Rgb;
  }, box);
}

export const isRed = (c: Rgb | null) => c !== null && c[0] > 150 && c[1] < 90 && c[2] < 90;
export const isBlue = (c: Rgb | null) => c !== null && c[2] > 150 && c[0] < 90 && c[1] < 90;
