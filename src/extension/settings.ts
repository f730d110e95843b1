import * as vscode from 'vscode';
import { SETTING_DEFAULTS, type Settings } from './settingDefaults';

/** Reads one `flourish.*` setting for a resource, falling back to its declared default. */
export function readSetting<K extends keyof Settings>(key: K, scope?: vscode.Uri): Settings[K] {
  return vscode.workspace
    .getConfiguration('flourish', scope)
    .get<Settings[K]>(key, SETTING_DEFAULTS[key]);
}
