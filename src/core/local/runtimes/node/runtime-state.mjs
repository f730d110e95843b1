// What the Node.js runtime knows of its function and of the invocation under way, shared by its
// modules: the Runtime API's address, the code root, the handler setting, which version of
// Lambda's runtime interface client it follows, and the current request id. An ES module's
// `let` cannot be assigned from another module, so they live in one object with every property
// there from the start (one shape, reads as cheap as a module variable's). A spare process
// learns its function late: it sets the Runtime API's address first, then
// readFunctionEnvironment() fills in the rest once the function is known.

export const state = {
  // Read from the environment once the function is known (a spare process learns it late).
  apiHost: undefined,
  apiPort: undefined,
  taskRoot: undefined,
  handlerString: undefined,
  // Lambda's Node.js 24 and later run version 4 of its runtime interface client, which loads,
  // invokes and reports errors differently from version 3 (Node.js 22 and earlier).
  modernClient: false,
  // The request being invoked: its log lines carry it, and a fatal error is reported for it.
  currentRequestId: undefined,
  // The function logs as JSON (AWS_LAMBDA_LOG_FORMAT), read when the console is patched.
  jsonLogs: false,
};

export function readFunctionEnvironment() {
  [state.apiHost, state.apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
  state.taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  state.handlerString = process.env._HANDLER ?? '';
  const version = /^AWS_Lambda_nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV ?? '');
  state.modernClient = version !== null && Number(version[1]) >= 24;
}
