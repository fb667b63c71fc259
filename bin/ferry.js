#!/usr/bin/env node
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher: ts-node must be registered before the TypeScript CLI loads */

// The `ferry` command: runs the TypeScript CLI through ts-node (type checks belong to `npm run lint`).
const path = require('node:path');

const root = path.resolve(__dirname, '..');
require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
require(path.join(root, 'src', 'client', 'cli.ts')).runCli();
