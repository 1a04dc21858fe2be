// The shape of src/ is part of its contract: data flows one way, topology -> Calico's components
// -> plan -> kernel -> lab -> verify -> views -> cli, and only src/kernel/ starts processes.
// This test reads every import of every source file and fails on one that climbs back up.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import test from 'ava';

/** Lower layers never import higher ones; the longest matching prefix decides a file's layer. */
const LAYERS: [string, number][] = [
  ['src/util/', 0],
  ['src/net/', 0],
  ['src/packets/', 0],
  ['src/calico/versions.ts', 0],
  ['src/topology/', 1],
  ['src/plan/naming.ts', 2],
  ['src/plan/objects.ts', 2],
  ['src/calico/ipam/', 3],
  ['src/calico/policy/', 3],
  ['src/calico/cni/', 4],
  ['src/calico/felix/', 4],
  ['src/calico/confd/', 4],
  ['src/router/', 4],
  ['src/plan/', 5],
  ['src/kernel/', 6],
  ['src/lab/', 7],
  ['src/vm/', 7],
  ['src/verify/', 8],
  ['src/calico/calicoctl/', 9],
  ['src/report/', 9],
  ['src/doc/', 9],
  ['src/cli/', 10],
];

function layerOf(file: string): number | undefined {
  const match = LAYERS.filter(([prefix]) => file.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  return match?.[1];
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

const root = resolve(import.meta.dirname, '../..');
const files = sources(join(root, 'src')).map((f) => relative(root, f));

test('every source file belongs to a layer', (t) => {
  t.deepEqual(
    files.filter((f) => layerOf(f) === undefined),
    [],
  );
});

test('no import climbs back up: topology -> components -> plan -> kernel -> lab -> verify -> views -> cli', (t) => {
  const climbing: string[] = [];
  for (const f of files) {
    for (const spec of importsOf(join(root, f)).filter((s) => s.startsWith('.'))) {
      const target = relative(root, resolve(dirname(join(root, f)), spec));
      if ((layerOf(target) ?? 0) > layerOf(f)!)
        climbing.push(`${f} (${layerOf(f)}) imports ${target} (${layerOf(target)})`);
    }
  }
  t.deepEqual(climbing, []);
});

test('only src/kernel/ starts processes (execa, child_process, zx)', (t) => {
  const spawning = files
    .filter((f) => !f.startsWith('src/kernel/'))
    .filter((f) => importsOf(join(root, f)).some((s) => /^(execa|zx|(node:)?child_process)$/.test(s)));
  t.deepEqual(spawning, []);
});

test('the layer check itself catches a climbing import', (t) => {
  t.true(layerOf('src/topology/validate.ts')! < layerOf('src/plan/plan.ts')!);
  t.true(layerOf('src/plan/objects.ts')! < layerOf('src/calico/cni/wiring.ts')!);
  t.true(layerOf('src/kernel/exec.ts')! > layerOf('src/plan/plan.ts')!);
  t.deepEqual(
    importsOf(join(root, 'src/lab/pods.ts')).filter((s) => s.includes('reconcile')),
    ['./reconcile.ts'],
  );
});

test('no line over 120 characters in src/, test/ or scripts/ (Biome cannot break long strings)', (t) => {
  const all = ['src', 'test', 'scripts'].flatMap((d) => sources(join(root, d)));
  const long = all.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((l, i) => (l.length > 120 ? [`${relative(root, f)}:${i + 1} (${l.length})`] : [])),
  );
  t.deepEqual(long, []);
});
