// A Logger for worker tests: keeps every info, warn and error message in order (debug is dropped), so a test can
// assert what a worker said.
import type { Logger } from "../../workers/log";

export function recordingLogger(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: (message) => void messages.push(message),
    warn: (message) => void messages.push(message),
    error: (message) => void messages.push(message),
    child: () => logger,
  };
  return { logger, messages };
}
