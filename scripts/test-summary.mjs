// Adds up the results of every test runner into one line: `tests: N passed, M failed, K skipped`.
// Exits 1 when anything failed or a runner left no results.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'test-results';
let passed = 0;
let failed = 0;
let skipped = 0;
const read = (name) => {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    console.error(`missing results: ${file}`);
    failed++;
    return null;
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
};

for (const name of ['typecheck.json', 'build.json']) {
  const r = read(name);
  if (r) {
    passed += r.passed;
    failed += r.failed;
  }
}
const unit = read('unit.json');
if (unit) {
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
  skipped += (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
  // A test file that failed to load has no tests but counts as a failure.
  for (const file of unit.testResults ?? []) if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++;
}
const e2e = read('e2e.json');
if (e2e) {
  passed += e2e.stats.expected + (e2e.stats.flaky ?? 0);
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
  if ((e2e.errors ?? []).length > 0) failed += e2e.errors.length;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
