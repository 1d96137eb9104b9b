// Running the real CLI from tests, as a user would: a child process, its exit
// code, stdout and stderr. Shared by the CLI suite and the hostile-CLI suite.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = join(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'engine/cli/main.ts');

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run flow -- <args>` without npm's banner, with extra environment variables. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A temporary folder removed after the suite, and a writer of files into it. */
export function scratchFolder(prefix: string): {
  dir: string;
  file(name: string, content: unknown): string;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return path;
    },
  };
}
