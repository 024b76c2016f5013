#!/usr/bin/env node
// Prints the closing line of a test run, "N passed, N failed" (", N skipped" when any were),
// summed over vitest (.reports/vitest.json) and Playwright (.reports/playwright.json).
// A runner whose report is missing did not run and counts nothing.
// Exit status: 0 when both reports exist and nothing failed, 1 when something failed,
// 2 when a report is missing or unreadable (so "nothing ran" never passes as green).
// Plain JavaScript on purpose: it must run even when the TypeScript toolchain did not install.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, '.reports');

function readJson(file) {
  const full = path.join(reports, file);
  if (!existsSync(full)) {
    console.error(`test-totals: ${file} is missing (that runner did not run)`);
    return undefined;
  }
  try {
    return JSON.parse(readFileSync(full, 'utf8'));
  } catch (error) {
    console.error(`test-totals: ${file} is unreadable: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

const count = (value) => (Number.isInteger(value) && value >= 0 ? value : 0);

function vitestTotals(report) {
  if (report === undefined) return undefined;
  // A test file that failed to load has no test results; count it as one failure, not zero.
  const brokenFiles = (Array.isArray(report.testResults) ? report.testResults : []).filter(
    (file) => file.status === 'failed' && (!Array.isArray(file.assertionResults) || file.assertionResults.length === 0),
  ).length;
  return {
    passed: count(report.numPassedTests),
    failed: count(report.numFailedTests) + brokenFiles,
    skipped: count(report.numPendingTests) + count(report.numTodoTests),
  };
}

function playwrightTotals(report) {
  if (report === undefined) return undefined;
  const stats = report.stats ?? {};
  // A load error (e.g. a spec that does not compile) runs no test but is a failure.
  const loadErrors = Array.isArray(report.errors) ? report.errors.length : 0;
  return {
    passed: count(stats.expected) + count(stats.flaky),
    failed: count(stats.unexpected) + (count(stats.unexpected) === 0 ? loadErrors : 0),
    skipped: count(stats.skipped),
  };
}

const runs = [vitestTotals(readJson('vitest.json')), playwrightTotals(readJson('playwright.json'))];
const total = { passed: 0, failed: 0, skipped: 0 };
for (const run of runs) {
  if (run === undefined) continue;
  total.passed += run.passed;
  total.failed += run.failed;
  total.skipped += run.skipped;
}

const skipped = total.skipped > 0 ? `, ${total.skipped} skipped` : '';
console.log(`${total.passed} passed, ${total.failed} failed${skipped}`);

if (total.failed > 0) process.exit(1);
if (runs.some((run) => run === undefined)) process.exit(2);
