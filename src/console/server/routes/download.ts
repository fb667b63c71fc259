import type { FastifyReply } from 'fastify';

/** A report as a download (CSV or JSON), never cached: it names users and devices. */
export function download(reply: FastifyReply, name: string, format: 'csv' | 'json', text: string) {
  return reply
    .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.${format}"`)
    .header('cache-control', 'no-store')
    .send(text);
}
