import type { Command } from '../command';
import { validateCommand } from './validate';

/** Every CLI command, in the order `flourish --help` lists them. */
export const COMMANDS: Command[] = [validateCommand];
