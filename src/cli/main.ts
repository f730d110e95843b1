// The `flourish` executable: Ctrl-C aborts the running command cleanly; a second one exits.
import { runCli } from './run';

// The AWS SDK warns that its releases after January 2027 need Node 22; the versions this CLI
// bundles run on Node 20, so the warning would only be noise on every command.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!`${warning.name} ${warning.message}`.includes('NodeVersionSupportWarning')) {
    console.error(`(node) ${warning.name}: ${warning.message}`);
  }
});

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  controller.abort();
});

runCli(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
