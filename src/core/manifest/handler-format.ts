// The handler string's shape for each runtime family, as each runtime interface client parses it.
import type { RuntimeFamily } from './runtimes';

const IDENT = '[A-Za-z_$][\\w$]*';
const PY = '[A-Za-z_]\\w*';

const FORMATS: Record<RuntimeFamily, { test: RegExp; example: string; shape: string }> = {
  // The Node.js client splits the last path segment at its first dot: module, then export path.
  nodejs: {
    test: new RegExp(`^(?:[^\\s/]+/)*[^\\s./][^\\s./]*\\.${IDENT}(?:\\.${IDENT})*$`),
    example: 'src/hello.handler',
    shape: '<file without extension>.<exported function>',
  },
  python: {
    test: new RegExp(`^${PY}(?:[./]${PY})*\\.${PY}$`),
    example: 'app/main.handler',
    shape: '<module path>.<function>',
  },
  java: {
    test: new RegExp(`^${IDENT}(?:\\.${IDENT})*(?:::${IDENT})?$`),
    example: 'com.example.Handler::handleRequest',
    shape: '<package.Class>::<method>',
  },
  dotnet: {
    test: /^[^\s:]+(?:::[^\s:]+::[^\s:]+)?$/,
    example: 'MyApp::MyApp.Function::Handler',
    shape: '<Assembly>::<Namespace.Class>::<Method>',
  },
  ruby: {
    test: /^(?:[^\s/]+\/)*[^\s./]+\.[A-Za-z_][\w]*(?:::[A-Za-z_]\w*)*(?:\.[A-Za-z_]\w*)?[?!]?$/,
    example: 'function.handler',
    shape: '<file without extension>.<method>',
  },
  provided: { test: /^\S+$/, example: 'bootstrap', shape: 'any name your bootstrap understands' },
};

/** Why `handler` does not fit the runtime family, or undefined when it does. */
export function handlerFormatError(handler: string, family: RuntimeFamily): string | undefined {
  const f = FORMATS[family];
  if (f.test.test(handler)) return undefined;
  return `Handler '${handler}' does not fit ${family}: write ${f.shape}, e.g. ${f.example}.`;
}

export interface HandlerParts {
  /** Source path without extension, relative to the code root (Node.js, Python, Ruby). */
  module: string;
  /** The function's name inside the module (the first segment of a nested export path). */
  exportName: string;
}

/** Splits a handler into module path and exported name, for the families that map to a file. */
export function splitHandler(handler: string, family: RuntimeFamily): HandlerParts | undefined {
  if (handlerFormatError(handler, family)) return undefined;
  if (family === 'nodejs' || family === 'ruby') {
    const slash = handler.lastIndexOf('/');
    const dot = handler.indexOf('.', slash + 1);
    const rest = handler.slice(dot + 1);
    return { module: handler.slice(0, dot), exportName: rest.split(/[.:]/)[0] };
  }
  if (family === 'python') {
    const dot = handler.lastIndexOf('.');
    return {
      module: handler.slice(0, dot).replace(/\./g, '/'),
      exportName: handler.slice(dot + 1),
    };
  }
  return undefined;
}
