// The one test command (README, .ci/run): static checks, then every suite, then
// one closing line `N passed, N failed` totalling them all. Exits non-zero when
// anything failed or when no test ran at all.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const steps = [];
let passed = 0;
let failed = 0;
let skipped = 0;

function run(name, cmd, args, env = {}) {
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  steps.push({ name, ok: r.status === 0 });
  return r.status === 0;
}

run('typecheck', 'npm', ['run', '--silent', 'typecheck']);
run('lint', 'npm', ['run', '--silent', 'lint']);

const vitestOut = '.vitest-results.json';
rmSync(vitestOut, { force: true });
run('unit', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${vitestOut}`,
]);
if (existsSync(vitestOut)) {
  const r = JSON.parse(readFileSync(vitestOut, 'utf8'));
  passed += r.numPassedTests ?? 0;
  // A test file that fails to load has no test results of its own: count it.
  const unloadable = (r.testResults ?? []).filter(
    (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
  ).length;
  failed += (r.numFailedTests ?? 0) + unloadable;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} else {
  failed += 1;
}

const pwOut = '.playwright-results.json';
rmSync(pwOut, { force: true });
if (run('build', 'npx', ['vite', 'build'])) {
  run('e2e', 'npx', ['playwright', 'test'], { PW_JSON_OUTPUT: pwOut });
  if (existsSync(pwOut)) {
    const s = JSON.parse(readFileSync(pwOut, 'utf8')).stats ?? {};
    passed += (s.expected ?? 0) + (s.flaky ?? 0);
    failed += s.unexpected ?? 0;
    skipped += s.skipped ?? 0;
  } else {
    failed += 1;
  }
}

const broken = steps.filter((s) => !s.ok).map((s) => s.name);
// A failed check that is not a test suite (types, lint, build) counts as one
// failure, so the closing line never reads "0 failed" for a red run.
failed += broken.filter((name) => !['unit', 'e2e'].includes(name)).length;
console.log('');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name}`);
if (passed + failed === 0) console.log('no test ran: that is a failure');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(broken.length === 0 && failed === 0 && passed > 0 ? 0 : 1);
