import { getEnvironment, getArguments } from 'wasi:cli/environment@0.2.12';
import { getDirectories } from 'wasi:filesystem/preopens@0.2.12';
import { exit } from 'wasi:cli/exit@0.2.12';

function readAll(dir, path) {
  const fd = dir.openAt({}, path, {}, { read: true });
  const size = fd.stat().size;
  const [bytes] = fd.read(size, 0n);
  return new TextDecoder().decode(bytes);
}

function writeFile(dir, path, text) {
  const fd = dir.openAt({}, path, { create: true, truncate: true }, { write: true });
  fd.write(new TextEncoder().encode(text), 0n);
}

export const run = {
  run() {
    const args = getArguments();
    console.log('args:', JSON.stringify(args));
    const env = getEnvironment().sort();
    console.log('env:', JSON.stringify(env));
    const mode = args[1] ?? 'work';
    if (mode === 'exit') {
      console.log('exiting');
      exit({ tag: 'err', val: undefined });
    }
    if (mode === 'throw') {
      throw new Error('thrown from js');
    }
    const preopens = getDirectories();
    console.log('preopens:', JSON.stringify(preopens.map(([, name]) => name)));
    const [dir] = preopens[0];
    writeFile(dir, 'hello.txt', 'hello from js\n');
    console.log('read back:', JSON.stringify(readAll(dir, 'hello.txt')));
    dir.createDirectoryAt('sub');
    dir.renameAt('hello.txt', dir, 'sub/moved.txt');
    const stream = dir.readDirectory();
    const names = [];
    for (let e = stream.readDirectoryEntry(); e; e = stream.readDirectoryEntry()) names.push(`${e.name}:${e.type}`);
    console.log('entries:', names.sort().join(','));
    try {
      dir.openAt({}, 'missing', {}, { read: true });
    } catch (e) {
      console.log('missing:', JSON.stringify(e.payload ?? String(e)));
    }
    const data = JSON.parse('{"a":[1,2.5,"x",null,true],"b":{"c":-3}}');
    console.log('json:', JSON.stringify(data), 're:', 'milk 2024-01-05'.match(/(\d+)-(\d+)-(\d+)/).slice(1).join('/'));
    console.log('math:', Math.sqrt(2).toFixed(6), [3, 1, 2].sort().join());
    console.log('time ok:', Date.now() > 1577836800000);
    console.log('random ok:', Math.random() < 1);
    console.error('stderr line');
  },
};
