import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The pages: static HTML, plain ES modules and CSS from src/console/public (no build step). A page's
 * script reads the migration id and serial from its own location.
 */

/**
 * Beside the server in the sources and in the Docker image (which copies them there); a local build
 * (dist/, which `ferry` runs once built) serves them from the sources.
 */
export const PUBLIC_DIR = [
  path.resolve(__dirname, '../public'),
  path.resolve(__dirname, '../../../src/console/public'),
].find((dir) => existsSync(dir))!;

/** Each page's route and its HTML file under PUBLIC_DIR. */
export const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/new': 'new.html',
  '/migrations/:id': 'migration.html',
  '/migrations/:id/devices': 'devices.html',
  '/migrations/:id/devices/:serial': 'device.html',
  '/migrations/:id/audit': 'audit.html',
  '/sign-in': 'sign-in.html',
  '/set-up': 'set-up.html',
  '/accounts': 'accounts.html',
};

export async function registerPages(app: FastifyInstance, publicDir = PUBLIC_DIR): Promise<void> {
  await app.register(fastifyStatic, {
    root: path.join(publicDir, 'assets'),
    prefix: '/assets/',
    index: false,
    list: false,
    dotfiles: 'deny',
  });
  // A browser asks for /favicon.ico on its own for a page without a <link rel=icon> (an answer in
  // JSON, such as a 403): the same icon, so that no 404 is logged for it.
  app.get('/favicon.ico', (_request, reply) =>
    reply.type('image/svg+xml').sendFile('favicon.svg', path.join(publicDir, 'assets')),
  );
  for (const [route, file] of Object.entries(PAGES)) {
    app.get(route, (_request, reply) => reply.type('text/html; charset=utf-8').sendFile(file, publicDir));
  }
}
