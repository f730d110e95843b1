import type { Command } from '../command';
import { buildCommand } from './build';
import { localCommand } from './local';
import { packageCommand } from './package';
import { validateCommand } from './validate';

/** Every CLI command, in the order `flourish --help` lists them. */
export const COMMANDS: Command[] = [validateCommand, buildCommand, packageCommand, localCommand];
