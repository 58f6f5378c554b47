/**
 * The first download stays small (issue 12: a cold start over a 384 kbit/s link): what main.tsx
 * reaches through static imports — the code in the main chunk, before the login page shows — holds
 * neither mediasoup-client nor the join page, the room, the meeting page, the new-meeting form or
 * administration. Those are loaded with `import()` (React.lazy in app/App.tsx, MyMeetingsPage) and
 * the room's and meeting page's are fetched ahead (login page, meeting list). Checked with a
 * dependency-cruiser rule over main.tsx's import graph with dynamic imports left out, as the
 * bundler splits it; the same rule over the graph with them must find the room's code, so the
 * check is not vacuous. Type-only imports do not count (they are erased).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Loaded on first use (or fetched ahead), never in the main chunk. */
const LAZY = [
  '^node_modules/mediasoup-client/',
  '^renderer/src/features/conference/',
  '^renderer/src/features/prejoin/',
  // The new-meeting form (date pickers) too: MyMeetingsPage loads it when an organiser asks.
  '^renderer/src/features/meetings/(JoinMeetingPage|MeetingPage|MeetingFormModal)[.]tsx$',
  '^renderer/src/app/(RoomRoute|MeetingRoute|room-features|meeting-sections)[.]tsx?$',
  '^renderer/src/features/admin/',
];

function options(followDynamic: boolean): ICruiseOptions {
  return {
    validate: true,
    ruleSet: {
      forbidden: [
        {
          name: 'first-download-reaches-lazy-code',
          severity: 'error',
          comment: 'the main chunk (main.tsx and its static imports) holds no room, meeting page, administration or mediasoup-client',
          from: { path: '^renderer/src/main[.]tsx$' },
          to: { reachable: true, path: LAZY },
        },
      ],
    },
    // As the bundler sees it: type-only imports erased; dynamic imports are other chunks.
    tsPreCompilationDeps: false,
    ...(followDynamic ? {} : { exclude: { dynamic: true } }),
    includeOnly: '^(renderer/src/|node_modules/mediasoup-client/)',
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: path.join(root, 'renderer/tsconfig.json') },
    baseDir: root,
  };
}

interface Graph {
  violations: IViolation[];
  modules: string[];
}

async function graph(followDynamic: boolean): Promise<Graph> {
  const result = await cruise(['renderer/src/main.tsx'], options(followDynamic));
  const output = result.output as Exclude<typeof result.output, string>;
  return { violations: output.summary.violations, modules: output.modules.map((m) => m.source) };
}

let first: Graph;
let whole: Graph;

beforeAll(async () => {
  [first, whole] = [await graph(false), await graph(true)];
}, 120_000);

const reached = (g: Graph) => g.violations.map((v) => v.to);

describe('the first download (main.tsx without its dynamic imports)', () => {
  it('has the login page, my meetings and the app shell', () => {
    expect(first.modules).toEqual(expect.arrayContaining(['renderer/src/app/App.tsx', 'renderer/src/features/auth/LoginPage.tsx', 'renderer/src/features/meetings/MyMeetingsPage.tsx', 'renderer/src/app/i18n.ts']));
  });

  it('reaches no room, meeting page, administration or mediasoup-client', () => {
    expect(reached(first)).toEqual([]);
  });

  it('the rule finds them through the dynamic imports (it is not vacuous)', () => {
    const lazy = reached(whole);
    expect(lazy).toEqual(expect.arrayContaining(['renderer/src/app/RoomRoute.tsx', 'renderer/src/features/conference/media-session.ts', 'renderer/src/features/meetings/MeetingPage.tsx', 'renderer/src/features/meetings/MeetingFormModal.tsx', 'renderer/src/features/admin/AdminPage.tsx']));
    expect(lazy.some((m) => m.startsWith('node_modules/mediasoup-client/'))).toBe(true);
  });
});
