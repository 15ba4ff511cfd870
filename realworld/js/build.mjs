// Componentizes app.js for the wasi:cli/command world of ./wit (a copy of
// shared/wit: the tool resolves the WIT path inside its own sandbox).
// `jco componentize` 1.35 fails here with "failed to get path metadata"; the
// componentize-js API does the same job.
import { componentize } from '@bytecodealliance/componentize-js';
import { writeFile } from 'node:fs/promises';

const output = process.argv[2] ?? 'app.wasm';
const { component } = await componentize({
  sourcePath: 'app.js',
  witPath: 'wit',
  worldName: 'command',
});
await writeFile(output, component);
