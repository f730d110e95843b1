// The `flourish.*` settings and their defaults, free of the vscode module so that a plain Node
// test can check them against package.json `contributes.configuration`.
export type TargetSetting = 'manifest' | 'local' | 'aws';
export type TraceSetting = 'off' | 'messages' | 'verbose';

export interface Settings {
  stage: string;
  target: TargetSetting;
  'aws.profile': string;
  'aws.region': string;
  'trace.server': TraceSetting;
}

export const SETTING_DEFAULTS: Settings = {
  stage: '',
  target: 'manifest',
  'aws.profile': '',
  'aws.region': '',
  'trace.server': 'off',
};

export const SETTING_KEYS = Object.keys(SETTING_DEFAULTS) as (keyof Settings)[];
