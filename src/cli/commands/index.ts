import type { Command } from '../command';
import { buildCommand } from './build';
import { deployCommand } from './deploy';
import { infoCommand } from './info';
import { invokeCommand } from './invoke';
import { localCommand } from './local';
import { logsCommand } from './logs';
import { metricsCommand } from './metrics';
import { packageCommand } from './package';
import { quickstartCommand } from './quickstart';
import { removeCommand } from './remove';
import { rollbackCommand } from './rollback';
import { validateCommand } from './validate';
import { versionsCommand } from './versions';

/** Every CLI command, in the order `flourish --help` lists them. */
export const COMMANDS: Command[] = [
  validateCommand,
  buildCommand,
  packageCommand,
  deployCommand,
  infoCommand,
  invokeCommand,
  logsCommand,
  metricsCommand,
  versionsCommand,
  rollbackCommand,
  removeCommand,
  localCommand,
  quickstartCommand,
];
