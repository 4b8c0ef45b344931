import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** The CLI tests run the compiled bin, as a user would: compile once before any test. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
}
