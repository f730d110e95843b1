// What passes between the harness (outside the editor) and the test runner (inside the
// extension host). Both sides only share files: a run configuration the harness writes before
// it starts the editor, a results file the runner writes at the end, and a folder of
// request/response files for the few things only the harness can do (screenshots, reading
// the workbench's notifications).

/** The environment variable that carries the path of the run configuration. */
export const CONFIG_ENV = 'FLOURISH_EDITOR_TEST_CONFIG';

export interface RunConfig {
  /** Scenario name, used in reports and file names. */
  scenario: string;
  /** Compiled suite files to load, in order. */
  suites: string[];
  /** Where the runner writes RunResults as JSON when it has finished. */
  resultsFile: string;
  /** Folder for requests to the harness; absent when no harness is listening (test-electron). */
  channelDir?: string;
  /** Per-test timeout, ms. */
  testTimeoutMs: number;
  /** Measure `activate()` of the extension under test before the suites run. */
  measureActivation?: boolean;
}

export type TestState = 'passed' | 'failed' | 'pending';

export interface TestResult {
  /** Titles from the outermost suite to the test. */
  titlePath: string[];
  state: TestState;
  durationMs?: number;
  error?: { message: string; stack?: string };
  /** Screenshots saved for this test, if any. */
  screenshots?: string[];
}

export interface ActivationTiming {
  /** The extension was already active before the runner asked (nothing was measured). */
  alreadyActive: boolean;
  /**
   * Wall time of `Extension.activate()` as the runner awaits it: the extension host's own work
   * (creating the ExtensionContext, whose storage it reads from the workbench) plus loading the
   * bundle and running its `activate()`.
   */
  activateMs?: number;
  /** The extension host's own figures for the same activation (see HostActivationTimes). */
  host?: HostActivationTimes;
}

/**
 * What the extension host records per extension (`activationTimes`) and the workbench shows in
 * Developer: Startup Performance ("Extension Activation Stats"); the Running Extensions editor
 * shows `codeLoadingMs + activateCallMs` as "Activation: N ms".
 */
export interface HostActivationTimes {
  /** Loading (require) of the extension's main bundle. */
  codeLoadingMs: number;
  /** The synchronous part of `activate()`. */
  activateCallMs: number;
  /** From calling `activate()` until what it returned resolved. */
  activateResolvedMs: number;
  /** The activation event, as the workbench names it. */
  event: string;
}

export interface RunResults {
  scenario: string;
  vscodeVersion: string;
  nodeVersion: string;
  tests: TestResult[];
  activation?: ActivationTiming;
  /** Set when the runner itself failed (a suite did not load, for example). */
  runnerError?: string;
}

/** Requests the runner can send to the harness. */
export type HarnessRequest =
  | { kind: 'screenshot'; name: string }
  | { kind: 'notifications'; pattern: string; flags: string; timeoutMs: number }
  /** Resolves once no notification is on screen (after `notifications.clearAll`). */
  | { kind: 'noNotifications'; timeoutMs: number }
  /** Runs a named browser check now (see harness/uiChecks.ts), with `input` for it. */
  | { kind: 'uiCheck'; name: string; input?: string }
  /**
   * A process the extension started in a session of its own (the local cloud), which stopping
   * the editor's process group would miss: the harness stops it at the end if it is still there.
   */
  | { kind: 'adoptProcess'; pid: number };

export type HarnessResponse =
  | { ok: true; screenshot?: string; notifications?: string[]; text?: string }
  | { ok: false; error: string };
