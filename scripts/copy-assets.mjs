// Run by `npm run build` after tsc: the files the compiled code reads from beside its sources,
// copied to the same places under dist/ (import.meta.dirname points there when it runs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ASSETS = ['drizzle', 'org.example.yaml', 'src/calendar/official-cn.json', 'src/sandbox/page'];

for (const asset of ASSETS) {
  const target = path.join(root, 'dist', asset);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(root, asset), target, { recursive: true });
}
