import type { FastifyInstance } from 'fastify';
import { UsageError } from '../../../client/commands/command';
import { parseDeviceList } from '../../../client/device-list';
import { launchMigration, plannedMigrationId } from '../../../client/launch-migration';
import { loadConfig } from '../../../config';
import { actingAs } from '../acting-identity';
import type { ConsoleContext } from '../context';
import { ApiError, badRequest, parseRequest, rejected } from '../errors';
import { startOptions } from '../start-options';
import { UPLOAD_MAX_BYTES, Uploads, uploadAnswer } from '../uploads';
import { preflightBody, startBody, uploadParams } from '../schemas';
import { preflightThroughTemporal, preflightView } from '../preflight';

/** The wizard: upload a device list (checked as `ferry validate` checks a file), then start it as `ferry start` does. */

const CSV_TYPES = ['text/csv', 'application/csv'];

export function newMigrationRoutes(app: FastifyInstance, context: ConsoleContext, uploads: Uploads): void {
  app.addContentTypeParser(
    CSV_TYPES,
    { parseAs: 'string', bodyLimit: UPLOAD_MAX_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.post('/api/uploads', { bodyLimit: UPLOAD_MAX_BYTES }, async (request) => {
    if (typeof request.body !== 'string') {
      throw new ApiError(415, 'unsupported_media_type', 'send the device list as text/csv');
    }
    const list = parseDeviceList(request.body, 'upload');
    return uploadAnswer(uploads.add(list), list);
  });

  app.post('/api/uploads/:uploadId/preflight', async (request) => {
    const { uploadId } = parseRequest(uploadParams, request.params, 'params');
    const { options } = parseRequest(preflightBody, request.body, 'body');
    const upload = uploads.get(uploadId);
    if (!upload.ok)
      throw badRequest('uploadId', 'uploadId: the list has errors; fix them and upload it again');
    const { migrationOptions } = startOptions(options);
    return preflightView(await preflightThroughTemporal(context, upload.devices, migrationOptions));
  });

  app.post('/api/migrations', async (request) => {
    const body = parseRequest(startBody, request.body, 'body');
    const { by, actor } = actingAs(request);
    const upload = uploads.get(body.uploadId);
    if (!upload.ok)
      throw badRequest('uploadId', 'uploadId: the list has errors; fix them and upload it again');
    const { rollout, migrationOptions } = startOptions(body.options);
    let migrationId: string;
    try {
      migrationId = plannedMigrationId(body.name, rollout, loadConfig().stateDir, body.migrationId);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw badRequest(body.migrationId === undefined ? 'options' : 'migrationId', err.message);
    }
    try {
      const id = await launchMigration(context.client, context.taskQueue, {
        migrationId,
        explicitId: body.migrationId !== undefined,
        name: body.name,
        devices: upload.devices,
        options: migrationOptions,
        rollout,
        startedBy: by,
        startedActor: actor,
      });
      return { id };
    } catch (err) {
      // An explicit id of an ended migration, in the CLI's words.
      if (err instanceof UsageError) throw rejected(err.message);
      throw err;
    }
  });
}
