#!/usr/bin/env node
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher: it picks the CLI to require at run time */

// The `ferry` command. It runs the compiled CLI in dist/ (built by `npm run build`, which `npm install`
// and `npm ci` run as `prepare`) as long as that build is complete and current: `prebuild` empties dist/
// and stamps the start (dist/.build-started), `postbuild` stamps the end (dist/.build-done), and once
// anything under src/ (or a tsconfig) changed after the build started, a developer has edited the
// sources since, and the TypeScript CLI runs through ts-node instead (slower to start, never stale; type
// checks belong to `npm run lint`). An edit made while tsc runs still counts; folders count too, so a
// deleted or renamed source is an edit. The walk over src/ (~150 entries) takes about 5 ms.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

/** When a file or folder last changed; 0 when it is gone (an editor may be replacing it right now). */
const changedAt = (file) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;

/** The newest change in a folder, itself included. */
function newestChange(dir) {
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    // no src/ (dist shipped alone): nothing to be newer than the build
  }
  return entries.reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestChange(full) : changedAt(full));
  }, changedAt(dir));
}

const started = changedAt(path.join(dist, '.build-started'));
const done = changedAt(path.join(dist, '.build-done'));
const sources = Math.max(
  newestChange(path.join(root, 'src')),
  changedAt(path.join(root, 'tsconfig.json')),
  changedAt(path.join(root, 'tsconfig.build.json')),
);
if (started > 0 && done >= started && started >= sources) {
  require(path.join(dist, 'client', 'cli.js')).runCli();
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  require(path.join(root, 'src', 'client', 'cli.ts')).runCli();
}
