// Where deploy, invoke and logs go: target (manifest default, local cloud, AWS), stage and AWS
// profile. Chosen per workspace through settings, so the choice survives reloads and the CLI
// can be told the same with --target/--stage/--profile.
import * as vscode from 'vscode';
import type { Manifest } from '../core/manifest';
import { readSetting } from './settings';
import type { TargetSetting } from './settingDefaults';
import { resolveTarget, type EffectiveTarget } from './targetModel';

export { describeTarget, type EffectiveTarget } from './targetModel';

/** What a manifest resolves to under the current settings. */
export function effectiveTarget(manifest: Manifest, scope?: vscode.Uri): EffectiveTarget {
  return resolveTarget(manifest, {
    target: readSetting('target', scope),
    profile: readSetting('aws.profile', scope),
    region: readSetting('aws.region', scope),
  });
}

async function update(key: string, value: string): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('flourish').update(key, value, target);
}

export async function selectTarget(): Promise<void> {
  const current = readSetting('target');
  const items: (vscode.QuickPickItem & { value?: TargetSetting; next?: () => Promise<void> })[] = [
    { label: '$(file-code) As the manifest says', description: 'provider.name', value: 'manifest' },
    {
      label: '$(vm) Local cloud',
      description: 'on this machine, no account needed',
      value: 'local',
    },
    { label: '$(cloud) AWS Lambda', description: 'with an AWS profile', value: 'aws' },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(tag) Change stage…', next: () => selectStage() },
    { label: '$(account) Change AWS profile…', next: selectProfile },
  ];
  for (const item of items)
    if (item.value === current) item.description = `${item.description} · current`;
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: 'Deploy, invoke and read logs on…',
  });
  if (!picked) return;
  if (picked.next) return picked.next();
  if (picked.value) await update('target', picked.value);
  if (picked.value === 'aws' && !readSetting('aws.profile')) await selectProfile();
}

export async function selectStage(stages: string[] = []): Promise<void> {
  const current = readSetting('stage');
  const known = [...new Set(['dev', 'prod', ...stages])];
  const items: vscode.QuickPickItem[] = [
    { label: '', description: 'use the manifest’s stage' },
    ...known.map((stage) => ({
      label: stage,
      description: stage === current ? 'current' : undefined,
    })),
  ];
  items[0].label = '$(file-code) As the manifest says';
  const quickPick = vscode.window.createQuickPick();
  quickPick.items = items;
  quickPick.placeholder = 'Stage (type a new name to use it)';
  const chosen = await new Promise<string | undefined>((resolve) => {
    quickPick.onDidAccept(() => {
      const item = quickPick.selectedItems[0];
      resolve(item ? (item === items[0] ? '' : item.label) : quickPick.value.trim());
      quickPick.hide();
    });
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (chosen === undefined) return;
  if (chosen && !/^[A-Za-z0-9_-]{1,32}$/.test(chosen)) {
    void vscode.window.showErrorMessage(
      `"${chosen}" is not a usable stage name: use letters, digits, '-' or '_'.`,
    );
    return;
  }
  await update('stage', chosen);
}

export async function selectProfile(): Promise<void> {
  const profiles = await listAwsProfiles();
  const items: vscode.QuickPickItem[] = [
    { label: '$(key) Default credential chain', description: 'environment, SSO, instance role…' },
    ...profiles.map((name) => ({ label: name })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: profiles.length
      ? 'AWS profile'
      : 'No profiles in ~/.aws/config or ~/.aws/credentials',
  });
  if (!picked) return;
  await update('aws.profile', picked === items[0] ? '' : picked.label);
}

async function listAwsProfiles(): Promise<string[]> {
  try {
    // Loaded here, not at activation: only this pick reads ~/.aws.
    const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
    const files = await loadSharedConfigFiles();
    return [
      ...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)]),
    ].sort();
  } catch {
    return [];
  }
}
