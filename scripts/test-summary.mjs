// Adds up the results of every test runner into one line: `tests: N passed, M failed, K skipped`,
// after the names of the skipped tests and of every failure the runners' own counts leave out.
// Exits 1 when anything failed or a runner left no results.
//
// Counted as failures besides failed tests:
// - a Vitest file that failed without a failed test (its beforeAll/afterAll threw, it did not load):
//   its tests were not run, and are not "skipped";
// - a runner that reported errors outside tests (Vitest `success: false`, Playwright `errors`);
// - a runner whose exit code (`<name>.exit`, written by scripts/test.sh) is not 0 while its report
//   shows no failure (an unhandled rejection, a crash after the report);
// - missing results.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'test-results';
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const skippedNames = [];
const firstLine = (s) => String(s ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim()) ?? '';

const read = (name) => {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    failures.push(`missing results: ${file}`);
    failed++;
    return null;
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    failures.push(`unreadable results: ${file}: ${err.message}`);
    failed++;
    return null;
  }
};
/** The runner's exit code as scripts/test.sh recorded it, or null when not recorded. */
const exitCode = (name) => {
  const file = path.join(dir, `${name}.exit`);
  if (!fs.existsSync(file)) return null;
  const code = Number(fs.readFileSync(file, 'utf8').trim());
  return Number.isInteger(code) ? code : null;
};
/** A runner that exited non-zero while what it reported adds no failure still fails the run. */
const checkExit = (name, runner, failedBefore) => {
  const code = exitCode(name);
  if (code !== null && code !== 0 && failed === failedBefore) {
    failures.push(`${runner} exited with code ${code} but reported no failed test (an error outside the tests?)`);
    failed++;
  }
};

for (const name of ['typecheck.json', 'build.json']) {
  const r = read(name);
  if (r) {
    passed += r.passed;
    failed += r.failed;
    if (r.failed) failures.push(`${name.replace('.json', '')} failed`);
  }
}

{
  const before = failed;
  const unit = read('unit.json');
  if (unit) {
    passed += unit.numPassedTests ?? 0;
    failed += unit.numFailedTests ?? 0;
    for (const file of unit.testResults ?? []) {
      const rel = path.relative(process.cwd(), file.name ?? '') || file.name;
      const tests = file.assertionResults ?? [];
      const notRun = tests.filter((t) => t.status === 'skipped' || t.status === 'pending' || t.status === 'todo');
      if (file.status === 'failed' && !tests.some((t) => t.status === 'failed')) {
        // beforeAll/afterAll threw, or the file did not load: a failure, and its tests did not run.
        failed++;
        failures.push(`${rel}: the file failed outside its tests (${notRun.length} test(s) not run): ${firstLine(file.message)}`);
        continue;
      }
      for (const t of notRun) {
        skipped++;
        skippedNames.push(`${rel} > ${t.fullName ?? t.title}`);
      }
    }
    if (unit.success === false && failed === before) {
      failures.push('Vitest reported errors outside the tests (unhandled errors or rejections)');
      failed++;
    }
  }
  checkExit('unit', 'Vitest', before);
}

{
  const before = failed;
  const e2e = read('e2e.json');
  if (e2e) {
    passed += (e2e.stats?.expected ?? 0) + (e2e.stats?.flaky ?? 0);
    failed += e2e.stats?.unexpected ?? 0;
    for (const err of e2e.errors ?? []) {
      failed++;
      failures.push(`Playwright: ${firstLine(err.message)}`);
    }
    const walk = (suite, titles) => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests ?? []) {
          if (t.status !== 'skipped') continue;
          skipped++;
          const why = (t.annotations ?? []).find((a) => a.type === 'skip' || a.type === 'fixme')?.description;
          skippedNames.push(`${[...titles, spec.title].filter(Boolean).join(' > ')}${t.projectName ? ` [${t.projectName}]` : ''}${why ? ` (${why})` : ''}`);
        }
      }
      for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
    };
    for (const suite of e2e.suites ?? []) walk(suite, [suite.file ? `tests/e2e/${suite.file}` : suite.title]);
  }
  checkExit('e2e', 'Playwright', before);
}

if (skippedNames.length) {
  console.log(`skipped (${skippedNames.length}):`);
  for (const n of skippedNames) console.log(`  - ${n}`);
}
if (failures.length) {
  console.log('failures besides failed tests:');
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
