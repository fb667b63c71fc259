#!/usr/bin/env node
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script npm runs on install */

// npm runs this on `npm install` and `npm ci` (the `prepare` script): it builds dist/, which bin/ferry.js
// runs. An install without dev dependencies (`--omit=dev`) lacks the compiler's type definitions; it
// skips the build instead of failing, and bin/ferry.js then runs the sources through ts-node.
const { execSync } = require('node:child_process');

try {
  require.resolve('@types/node/package.json');
} catch {
  console.log('ferry: dev dependencies omitted, dist/ not built (bin/ferry.js runs the sources instead)');
  process.exit(0);
}
execSync('npm run build', { stdio: 'inherit' });
