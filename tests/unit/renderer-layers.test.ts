/**
 * The renderer's imports point down: app/ (the composition root) → features/ → shared/, net/,
 * platform/, offline/. No feature (nor anything below the features) imports app/, nothing below the
 * features imports a feature, and no module reaches itself again through its imports (a cycle),
 * type-only imports included. Checked with dependency-cruiser over renderer/src.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOWER = '(shared|net|platform|offline)';

const options: ICruiseOptions = {
  validate: true,
  ruleSet: {
    forbidden: [
      { name: 'feature-imports-app', severity: 'error', comment: 'features and the layers below them never import the composition root', from: { path: `^renderer/src/(features|${LOWER})/` }, to: { path: '^renderer/src/app/' } },
      { name: 'lower-layer-imports-feature', severity: 'error', comment: 'shared/, net/, platform/ and offline/ sit below the features', from: { path: `^renderer/src/${LOWER}/` }, to: { path: '^renderer/src/features/' } },
      { name: 'import-cycle', severity: 'error', comment: 'no module reaches itself again through its imports', from: { path: '^renderer/src/' }, to: { circular: true } },
    ],
  },
  // Type-only imports count: a registry whose features import its types back is a cycle too.
  tsPreCompilationDeps: true,
  includeOnly: '^renderer/src/',
  exclude: { path: '[.](json|css|woff2?|png)' },
  tsConfig: { fileName: path.join(root, 'renderer/tsconfig.json') },
  baseDir: root,
};

let violations: IViolation[] = [];
let modules: { source: string; dependencies: { resolved: string }[] }[] = [];

beforeAll(async () => {
  const result = await cruise(['renderer/src'], options);
  const output = result.output as Exclude<typeof result.output, string>;
  violations = output.summary.violations;
  modules = output.modules;
}, 120_000);

const describeViolation = (v: IViolation) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => (typeof c === 'string' ? c : c.name)).join(' → ')})` : ''}`;

describe('renderer import directions', () => {
  it('sees the whole renderer (the check is not vacuous)', () => {
    expect(modules.length).toBeGreaterThan(150);
    const room = modules.find((m) => m.source === 'renderer/src/app/RoomRoute.tsx');
    expect(room?.dependencies.map((d) => d.resolved)).toContain('renderer/src/app/room-features.ts');
    // A type-only import is seen: the panel shape is imported only as a type by the features.
    const chat = modules.find((m) => m.source === 'renderer/src/features/chat/ChatPanel.tsx');
    expect(chat?.dependencies.map((d) => d.resolved)).toContain('renderer/src/features/conference/room-panels.ts');
  });

  it('no feature imports app/, nothing below the features imports a feature', () => {
    expect(violations.filter((v) => v.rule.name !== 'import-cycle').map(describeViolation)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(violations.filter((v) => v.rule.name === 'import-cycle').map(describeViolation)).toEqual([]);
  });
});
