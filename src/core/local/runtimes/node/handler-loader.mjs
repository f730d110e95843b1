// Loading the handler, as the runtime interface client does: the handler setting split into
// module root, module and function path (splitHandler), the module loaded in the order of
// Lambda's version 3 (up to Node.js 22) or version 4 (from Node.js 24), and the function found
// in it (loadHandler). A failure is one of the Runtime.* init errors.
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  CallbackHandlerDeprecated,
  HandlerNotFound,
  ImportModuleError,
  MalformedHandlerName,
  UserCodeSyntaxError,
} from './errors.mjs';
import { STREAMING } from './response-streaming.mjs';
import { state } from './runtime-state.mjs';

const require = createRequire(import.meta.url);

const CALLBACK_HANDLER_DEPRECATED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

/**
 * `src/a/b.handler` -> module root `src/a/`, module `b`, function path `handler`; the module is
 * the last segment up to its first dot, and the function path may be nested (`api.handler`).
 */
export function splitHandler(handler) {
  if (handler.includes('..')) {
    throw new MalformedHandlerName(
      `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const last = path.basename(handler);
  const match = /^([^.]*)\.(.*)$/.exec(last);
  if (!match) throw new MalformedHandlerName('Bad handler');
  return {
    moduleRoot: handler.substring(0, handler.indexOf(last)),
    moduleName: match[1],
    functionPath: match[2],
  };
}

const requireIfExists = (file) => (existsSync(file) ? require(file) : undefined);
const importIfExists = async (file) =>
  existsSync(file) ? await import(pathToFileURL(file).href) : undefined;

/** Whether `.js` files in `folder` are ES modules: the nearest package.json says type module. */
function isTypeModule(folder) {
  if (folder.endsWith(`${path.sep}node_modules`)) return false;
  const file = path.join(folder, 'package.json');
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'))?.type === 'module';
    } catch {
      return false;
    }
  }
  const parent = path.dirname(folder);
  return parent !== folder && isTypeModule(parent);
}

/**
 * Loads the handler's module in the order of Lambda's runtime interface client. Up to Node.js
 * 22 (`UserFunction.js`): the file as named, `.js` by require unless the package is type
 * module, then `.js` (type module) and `.mjs` by import, `.cjs` by require. From Node.js 24
 * (`module-loader.ts`): the file as named, `.js`, `.mjs`, `.cjs`, all by import. Last, both
 * resolve the module name as require does from the code root, NODE_PATH included, which is how
 * `lib.handler` finds `lib/index.js`.
 */
async function loadModule(moduleRoot, moduleName) {
  const { taskRoot, modernClient } = state;
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  try {
    if (modernClient) {
      for (const extension of ['', '.js', '.mjs', '.cjs']) {
        const loaded = await importIfExists(base + extension);
        if (loaded) return loaded;
      }
    } else {
      const loaded = requireIfExists(base);
      if (loaded) return loaded;
      const typeModule = isTypeModule(path.dirname(base));
      const loadedJs =
        (!typeModule && requireIfExists(`${base}.js`)) ||
        (typeModule && (await importIfExists(`${base}.js`))) ||
        (await importIfExists(`${base}.mjs`)) ||
        requireIfExists(`${base}.cjs`);
      if (loadedJs) return loadedJs;
    }
    const paths = [taskRoot, modernClient ? path.join(taskRoot, moduleRoot) : moduleRoot];
    return require(require.resolve(moduleName, { paths }));
  } catch (err) {
    if (err instanceof SyntaxError) {
      const wrapped = new UserCodeSyntaxError(String(err));
      if (modernClient) wrapped.stack = err.stack;
      throw wrapped;
    }
    if (err?.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(String(err));
    throw err;
  }
}

/** Finds the handler in the module; from Node.js 24, also in its default export. */
function findHandler(mod, functionPath) {
  const keys = functionPath.split('.');
  if (!state.modernClient) return keys.reduce((nested, key) => nested && nested[key], mod);
  const findIn = (root) =>
    keys.reduce(
      (nested, key) => (nested && typeof nested === 'object' ? nested[key] : undefined),
      root,
    );
  const found = findIn(mod);
  if (found || mod === null || typeof mod !== 'object' || !('default' in mod)) return found;
  return findIn(mod.default);
}

export async function loadHandler() {
  const { handlerString, modernClient } = state;
  const { moduleRoot, moduleName, functionPath } = splitHandler(handlerString);
  const mod = await loadModule(moduleRoot, moduleName);
  const fn = findHandler(mod, functionPath);
  if (!fn) throw new HandlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${handlerString} is not a function`);
  // Lambda's Node.js 24 refuses a callback handler (a third parameter) that does not stream.
  if (modernClient && fn.length >= 3 && fn[STREAMING] !== 'response') {
    throw new CallbackHandlerDeprecated(CALLBACK_HANDLER_DEPRECATED);
  }
  return fn;
}
