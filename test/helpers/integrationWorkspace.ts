// The scratch space of one integration test: a fresh temporary folder (a demo's --out, the workers' state and
// store folders) and an Ignition deployment id unique to this process, so parallel runs never share a
// deployment; `remove` deletes both, the deployment's folder under ignition/deployments included.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "./runCli";

export interface IntegrationWorkspace {
  dir: string;
  deploymentId: string;
  /** Where a runDemo call in this workspace writes: its out folder, project and deployment. */
  demoOptions: { outDir: string; projectRoot: string; deploymentId: string };
  remove(): void;
}

/** `name` tags both: the folder is fedmash-<name>-XXXXXX, the deployment test-<name>-<pid>. */
export function integrationWorkspace(name: string): IntegrationWorkspace {
  const dir = mkdtempSync(join(tmpdir(), `fedmash-${name}-`));
  const deploymentId = `test-${name}-${process.pid}`;
  return {
    dir,
    deploymentId,
    demoOptions: { outDir: dir, projectRoot: PROJECT_ROOT, deploymentId },
    remove: () => {
      rmSync(join(PROJECT_ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
