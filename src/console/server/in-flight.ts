import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

/**
 * The console closes only once every request's handler has finished. A browser that goes away
 * mid-request does not stop its handler, which may still be waiting on Temporal; were the Temporal
 * connection closed under it (the console stopping, a test ending), the SDK would retry the dropped call
 * on a closed channel and throw outside any request. Call before the routes are added; the app's
 * onClose awaits `settled()`.
 */
export function trackHandlers(app: FastifyInstance): { settled(): Promise<void> } {
  const running = new Set<Promise<unknown>>();
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function tracked(this: FastifyInstance, request, reply) {
      const result: unknown = handler.call(this, request, reply);
      // A handler that answers through `reply` (the pages) returns it: nothing to wait for.
      if (result instanceof Promise) {
        running.add(result);
        void result.finally(() => running.delete(result)).catch(() => undefined);
      }
      return result;
    } as RouteHandlerMethod;
  });
  return {
    async settled() {
      await Promise.allSettled([...running]);
    },
  };
}
