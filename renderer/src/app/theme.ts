/**
 * The Mantine theme: Be Vietnam Pro, red as the primary colour, light and dark schemes that meet
 * WCAG AA colour contrast (4.5:1 for text). Mantine's default palettes put text on shade 6
 * (red 3.3:1, blue 3.6:1, green 2.4:1 on white; "dimmed" grey 3.3:1), which axe-core reported on
 * every screen. Here both schemes use shade 9 for filled buttons and badges (the light scheme also
 * for coloured text; the dark one colours text with shade 4, which passes on dark 7): Mantine's
 * dark default, shade 8, put white on green #2f9e44 at 3.44:1 and on orange #e8590c at 3.58:1. The shade-9 entries of green, orange and yellow are darkened so that white text on them and
 * they on white both pass, and "dimmed" text is grey 7 (light) / dark 1 (dark).
 * Checked by tests/e2e/accessibility.spec.ts in both schemes.
 */
import { createTheme, Modal, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

/** A Mantine palette with its darkest shade replaced. */
const withShade9 = (palette: readonly string[], shade9: string): MantineColorsTuple => [...palette.slice(0, 9), shade9] as unknown as MantineColorsTuple;

// Mantine's default palettes (shades 0–8), darker shade 9 (contrast with white ≥ 5.9:1).
const green = withShade9(['#ebfbee', '#d3f9d8', '#b2f2bb', '#8ce99a', '#69db7c', '#51cf66', '#40c057', '#37b24d', '#2f9e44'], '#237032');
const orange = withShade9(['#fff4e6', '#ffe8cc', '#ffd8a8', '#ffc078', '#ffa94d', '#ff922b', '#fd7e14', '#f76707', '#e8590c'], '#b23c0a');
const yellow = withShade9(['#fff9db', '#fff3bf', '#ffec99', '#ffe066', '#ffd43b', '#fcc419', '#fab005', '#f59f00', '#f08c00'], '#935200');

export const theme = createTheme({
  fontFamily: '"Be Vietnam Pro", "Segoe UI", Roboto, sans-serif',
  headings: { fontFamily: '"Be Vietnam Pro", "Segoe UI", Roboto, sans-serif' },
  primaryColor: 'red',
  primaryShade: { light: 9, dark: 9 },
  colors: { green, orange, yellow },
  components: {
    Modal: Modal.extend({ styles: { title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-lg)' } } }),
  },
});

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
});
