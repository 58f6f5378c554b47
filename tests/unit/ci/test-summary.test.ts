/**
 * scripts/test-summary.mjs against runner reports recorded from real Vitest 4 and Playwright runs
 * (tests/unit/ci/fixtures/): a file whose beforeAll threw, an unhandled rejection, a runner that
 * exited non-zero while reporting no failure, and skipped tests listed by name (with the reason).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8'));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A Vitest report where every file passed. */
const vitestPassing = (tests = 3) => ({
  numTotalTestSuites: 1,
  numPassedTestSuites: 1,
  numFailedTestSuites: 0,
  numPendingTestSuites: 0,
  numTotalTests: tests,
  numPassedTests: tests,
  numFailedTests: 0,
  numPendingTests: 0,
  numTodoTests: 0,
  success: true,
  testResults: [{ name: path.resolve('tests/unit/x.test.ts'), status: 'passed', message: '', assertionResults: Array.from({ length: tests }, (_, i) => ({ title: `t${i}`, fullName: `t${i}`, status: 'passed', ancestorTitles: [] })) }],
});
const playwrightPassing = { suites: [], errors: [], stats: { expected: 2, unexpected: 0, flaky: 0, skipped: 0 } };

function summarize(files: Record<string, unknown>): { code: number | null; out: string; line: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-'));
  dirs.push(dir);
  const all: Record<string, unknown> = { 'typecheck.json': { passed: 1, failed: 0 }, 'build.json': { passed: 1, failed: 0 }, 'unit.json': vitestPassing(), 'e2e.json': playwrightPassing, ...files };
  for (const [name, content] of Object.entries(all)) {
    if (content === undefined) continue;
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  const r = spawnSync(process.execPath, ['scripts/test-summary.mjs', dir], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, line: r.stdout.trim().split('\n').at(-1)! };
}

describe('test-summary', () => {
  it('all passing: one line, exit 0', () => {
    const r = summarize({ 'unit.exit': '0\n', 'e2e.exit': '0\n' });
    expect(r.line).toBe('tests: 7 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('a Vitest file whose beforeAll threw is a failure, not 2 skipped tests', () => {
    const report = fixture('vitest-beforeall-failed.json');
    // The recorded run also had an unhandled rejection; take it out to see the file failure alone.
    report.success = true;
    const r = summarize({ 'unit.json': report });
    expect(r.line).toBe('tests: 6 passed, 1 failed, 1 skipped');
    expect(r.out).toMatch(/a\.test\.ts: the file failed outside its tests \(2 test\(s\) not run\): server did not start/);
    expect(r.code).toBe(1);
  });

  it('an unhandled rejection (Vitest success: false, no failed test) is a failure', () => {
    const report = { ...vitestPassing(), success: false };
    const r = summarize({ 'unit.json': report, 'unit.exit': '1' });
    expect(r.line).toBe('tests: 7 passed, 1 failed');
    expect(r.out).toMatch(/Vitest reported errors outside the tests/);
    expect(r.code).toBe(1);
  });

  it('the recorded run as it was (both at once; the report cannot tell them apart): failed, never 0 failed', () => {
    const r = summarize({ 'unit.json': fixture('vitest-beforeall-failed.json'), 'unit.exit': '1' });
    expect(r.line).toBe('tests: 6 passed, 1 failed, 1 skipped');
    expect(r.code).toBe(1);
  });

  it('a runner that exited non-zero while its report shows no failure is a failure', () => {
    const r = summarize({ 'e2e.exit': '1' });
    expect(r.line).toBe('tests: 7 passed, 1 failed');
    expect(r.out).toMatch(/Playwright exited with code 1 but reported no failed test/);
    expect(r.code).toBe(1);
  });

  it('names every skipped test, with the reason Playwright recorded', () => {
    const r = summarize({ 'e2e.json': fixture('playwright-pass-skip-fail.json'), 'e2e.exit': '1' });
    expect(r.out).toContain('skipped (1):');
    expect(r.out).toContain('  - tests/e2e/signing.spec.ts > signing > needs pdfsig (pdfsig is not installed)');
    // The failed test is counted by Playwright itself; the exit code does not count it twice.
    expect(r.line).toBe('tests: 6 passed, 1 failed, 1 skipped');
  });

  it('missing or unreadable results are failures', () => {
    expect(summarize({ 'e2e.json': undefined }).line).toBe('tests: 5 passed, 1 failed');
    const bad = summarize({ 'unit.json': '{"numPassedTests": 3,' });
    expect(bad.line).toBe('tests: 4 passed, 1 failed');
    expect(bad.out).toMatch(/unreadable results/);
  });
});
