// Which suites run in which editor. Each scenario is one editor start: a workspace, whether it
// is trusted, the suites that run inside it and whether the browser-driven UI checks follow.
export interface Scenario {
  name: string;
  /** `example`: examples/hello (or the fixture copy of it); `empty`: a folder without flourish.yaml. */
  workspace: 'example' | 'empty';
  /** false opens the workspace in Restricted Mode. */
  trusted: boolean;
  /** Suite names: test/editor/suite/<name>.test.ts. */
  suites: string[];
  uiChecks: boolean;
  measureActivation?: boolean;
}

export const scenarios: Scenario[] = [
  {
    name: 'with-manifest',
    workspace: 'example',
    trusted: true,
    suites: ['activation', 'commands', 'language', 'local-cloud'],
    uiChecks: true,
  },
  {
    name: 'without-manifest',
    workspace: 'empty',
    trusted: true,
    suites: ['no-manifest'],
    uiChecks: false,
  },
  {
    name: 'restricted-mode',
    workspace: 'example',
    trusted: false,
    suites: ['restricted'],
    uiChecks: false,
  },
];
