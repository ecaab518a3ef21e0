// The CliUsageError a configuration step refuses with; anything else (or no refusal at all) fails the test.
import { CliUsageError } from "../../workers/config/errors";

export function cliUsageRefusal(run: () => unknown): CliUsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof CliUsageError) return error;
    throw error;
  }
  throw new Error("expected a CliUsageError");
}
