// Keeps a long-running command (a worker, the explorer) alive until SIGINT or SIGTERM, then stops it cleanly.

export async function waitForSignal(stop: () => Promise<void>): Promise<void> {
  await new Promise<void>((done) => {
    const onSignal = (): void => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      void stop().finally(done);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
