/** Runs every benchmark in bench/ (files named *.bench.ts) in turn and prints their figures. */
import { readdirSync } from 'node:fs';

const only = process.argv[2];
const files = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only === undefined || f.includes(only))
  .sort();

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
for (const file of files) {
  console.log(`\n# ${file}`);
  const bench = (await import(new URL(file, import.meta.url).href)) as { run: () => Promise<void> };
  await bench.run();
}
