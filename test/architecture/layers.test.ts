import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The layout is the architecture (docs/development.md): these tests keep it so. Imports only run
 * downward — programs (client, demo, worker) → activities → temporal, services → services/shared —,
 * workflows stay a deterministic island, and nothing imports in a circle.
 */

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');
const MAX_LINES = 300;

/** The workflows' contracts: the vocabulary every layer may share (pure types, ids, rules, SDK message definitions). */
const CONTRACTS = [
  'src/workflows/failures.ts',
  'src/workflows/search-attributes.ts',
  'src/workflows/device/messages.ts',
  'src/workflows/device/paths.ts',
  'src/workflows/fleet/messages.ts',
  'src/workflows/fleet/rollout.ts',
  'src/workflows/fleet/breaker.ts',
  'src/workflows/preflight/messages.ts',
];

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(ROOT, full)] : [];
  });
}

const files = sourceFiles(SRC);
const known = new Set(files);

function resolve(from: string, spec: string): string | undefined {
  const base = path.normalize(path.join(path.dirname(from), spec));
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => known.has(candidate));
}

/** Relative imports and re-exports of each file, marked type-only when erased at compile time. */
function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const statement = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'(\.{1,2}\/[^']*)'/gm;
  const found: Import[] = [];
  for (const match of text.matchAll(statement)) {
    const to = resolve(file, match[3]!);
    if (to) found.push({ from: file, to, typeOnly: Boolean(match[2]) });
  }
  for (const match of text.matchAll(/(?:require(?:\.resolve)?|import)\(\s*'(\.{1,2}\/[^']*)'\s*\)/g)) {
    const to = resolve(file, match[1]!);
    if (to) found.push({ from: file, to, typeOnly: false });
  }
  return found;
}

const imports = files.flatMap(importsOf);
const under = (file: string, ...folders: string[]) =>
  folders.some((folder) => file === `${folder}.ts` || file.startsWith(`${folder}/`));
const isContract = (file: string) => CONTRACTS.includes(file);

function violations(rule: (i: Import) => boolean): string[] {
  return imports.filter(rule).map((i) => `${i.from} imports ${i.to}${i.typeOnly ? ' (type)' : ''}`);
}

describe('the layout', () => {
  it('when a workflow imports, then only its own folder, and activity factories as types', () => {
    const bad = violations(
      (i) =>
        under(i.from, 'src/workflows') &&
        !under(i.to, 'src/workflows') &&
        !(i.typeOnly && under(i.to, 'src/activities')),
    );
    expect(bad).toEqual([]);
  });

  it('when a contract module imports, then only other contracts', () => {
    expect(violations((i) => isContract(i.from) && !isContract(i.to))).toEqual([]);
  });

  it('when code outside the workflows imports workflow code, then only its contracts or types', () => {
    const bad = violations(
      (i) =>
        !under(i.from, 'src/workflows') &&
        under(i.to, 'src/workflows') &&
        !isContract(i.to) &&
        !i.typeOnly &&
        // the worker hands the workflows folder to the bundler by path, never loading it itself
        !(i.from === 'src/worker.ts' && i.to === 'src/workflows/index.ts'),
    );
    expect(bad).toEqual([]);
  });

  it('when a service imports, then only services, contracts, config and the logger', () => {
    const bad = violations(
      (i) =>
        under(i.from, 'src/services') &&
        !under(i.to, 'src/services', 'src/config', 'src/logger') &&
        !isContract(i.to),
    );
    expect(bad).toEqual([]);
  });

  it('when shared service code imports, then never a vendor folder', () => {
    const bad = violations(
      (i) =>
        under(i.from, 'src/services/shared') &&
        under(i.to, 'src/services') &&
        !under(i.to, 'src/services/shared'),
    );
    expect(bad).toEqual([]);
  });

  it('when a vendor folder imports another vendor, then never (each vendor stands alone)', () => {
    const vendorOf = (file: string) => /^src\/services\/([^/]+)\//.exec(file)?.[1];
    const standalone = (file: string) => ['shared', undefined].includes(vendorOf(file));
    const bad = violations(
      (i) =>
        !standalone(i.from) &&
        !standalone(i.to) &&
        vendorOf(i.from) !== vendorOf(i.to) &&
        // the production composition of tenant clients sits at the top of services
        i.from !== 'src/services/tenant-clients.ts',
    );
    expect(bad).toEqual([]);
  });

  it('when activities or temporal helpers import, then never a program (client, demo, worker)', () => {
    const bad = violations(
      (i) =>
        under(i.from, 'src/activities', 'src/temporal', 'src/services') &&
        under(i.to, 'src/client', 'src/demo', 'src/worker'),
    );
    expect(bad).toEqual([]);
  });

  it('when temporal helpers or services import, then never an activity', () => {
    const bad = violations(
      (i) => under(i.from, 'src/temporal', 'src/services') && under(i.to, 'src/activities'),
    );
    expect(bad).toEqual([]);
  });

  it('when the CLI imports, then never the demo (the demo sits on top of the CLI)', () => {
    expect(violations((i) => under(i.from, 'src/client') && under(i.to, 'src/demo'))).toEqual([]);
  });

  it('when code below the console imports it, then only the `ferry console` and `ferry console-owner` commands (its entry points)', () => {
    const entryPoints = ['src/client/commands/console.ts', 'src/client/commands/console-owner.ts'];
    const bad = violations(
      (i) =>
        under(i.to, 'src/console') &&
        !under(i.from, 'src/console', 'src/demo') &&
        !entryPoints.includes(i.from),
    );
    expect(bad).toEqual([]);
  });

  it('when modules import each other at run time, then never in a circle', () => {
    const graph = new Map<string, string[]>(files.map((f) => [f, []]));
    for (const i of imports) if (!i.typeOnly) graph.get(i.from)!.push(i.to);
    const circles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'visiting');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'visiting')
          circles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });

  it(`when a source file grows, then it stays within ${MAX_LINES} lines (one concept a file)`, () => {
    const long = files
      .map((file) => ({ file, lines: readFileSync(path.join(ROOT, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});
