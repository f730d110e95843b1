// Every command the extension contributes, in one typed list. A unit test keeps it equal to
// package.json `contributes.commands`, so the palette, menus and registrations cannot drift.
export const COMMAND_IDS = [
  'flourish.createManifest',
  'flourish.openManifest',
  'flourish.openHandler',
  'flourish.refreshExplorer',
  'flourish.restartLanguageServer',
  'flourish.showOutput',
  'flourish.selectTarget',
  'flourish.selectStage',
  'flourish.selectProfile',
  'flourish.startLocalCloud',
  'flourish.stopLocalCloud',
  'flourish.build',
  'flourish.package',
  'flourish.deployFunction',
  'flourish.deployAll',
  'flourish.invoke',
  'flourish.tailLogs',
  'flourish.stopTail',
  'flourish.filterLogs',
  'flourish.toggleLogPause',
  'flourish.rollback',
  'flourish.openDashboard',
  'flourish.refreshDeployed',
  'flourish.filterDeployed',
  'flourish.loadMoreDeployed',
  'flourish.copyArn',
  'flourish.removeStage',
  'flourish.openUrl',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** Commands that run workspace code or change a cloud; refused in Restricted Mode. */
export const TRUSTED_ONLY: readonly CommandId[] = [
  'flourish.startLocalCloud',
  'flourish.build',
  'flourish.package',
  'flourish.deployFunction',
  'flourish.deployAll',
  'flourish.rollback',
  'flourish.removeStage',
];
