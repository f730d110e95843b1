// The Flourish language server's contract with its clients: the options it reads at start-up
// and its custom methods. The extension imports this module, so it depends on vscode-jsonrpc
// only; method strings appear nowhere else.
import { NotificationType } from 'vscode-jsonrpc';

/** The language id the extension gives to flourish.yaml. */
export const MANIFEST_LANGUAGE_ID = 'flourish-yaml';

/** File names the server treats as manifests (plain `yaml` documents included). */
export const MANIFEST_FILE_NAMES: readonly string[] = ['flourish.yaml', 'flourish.yml'];

/** `initializationOptions` the server understands; every field is optional. */
export interface FlourishInitializationOptions {
  /**
   * Quiet time after the last edit before a document is validated, in milliseconds
   * (default 175). Benchmarks and tests set 0 to validate on every change.
   */
  diagnosticsDelayMs?: number;
  /** Stage whose overrides are applied when validating (default: the manifest's own). */
  stage?: string;
}

export interface SetStageParams {
  /** The stage to validate for; undefined returns to the manifest's default stage. */
  stage?: string;
}

/** Sent by the client when the user switches stage; open manifests are validated again. */
export const SetStageNotification = new NotificationType<SetStageParams>('flourish/setStage');
