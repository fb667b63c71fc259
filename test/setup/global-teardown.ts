export default async function globalTeardown(): Promise<void> {
  await globalThis.__FERRY_DEV_SERVER__?.stop();
}
