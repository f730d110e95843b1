// Quick fixes: each fix the manifest core attached to a problem (carried in the diagnostic's
// `data`) becomes a code action; a new handler file becomes a CreateFile plus its content.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CreateFile,
  TextDocumentEdit,
  TextEdit,
  type CodeAction,
  type Diagnostic,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { QuickFix } from '../../core/manifest';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from './diagnostics';

export interface CodeActionOptions {
  /** The manifest's folder: new files are created relative to it, never outside it. */
  root: string;
  /** Whether the client can create files through a WorkspaceEdit. */
  canCreateFiles: boolean;
}

export function manifestCodeActions(
  doc: TextDocument,
  diagnostics: readonly Diagnostic[],
  options: CodeActionOptions,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    for (const fix of fixesOf(diagnostic)) {
      const edit = workspaceEditFor(doc, fix, options);
      if (!edit) continue;
      const action: CodeAction = {
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit,
      };
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
  }
  return actions;
}

/**
 * Clients should hand `data` back untouched, but some drop it: such a diagnostic gets the data
 * of the published one with the same code and range.
 */
export function withFixes(
  diagnostics: readonly Diagnostic[],
  published: readonly Diagnostic[] = [],
): Diagnostic[] {
  return diagnostics.map((d) => {
    if (d.data !== undefined || d.source !== DIAGNOSTIC_SOURCE) return d;
    const same = published.find(
      (p) =>
        p.code === d.code &&
        p.range.start.line === d.range.start.line &&
        p.range.start.character === d.range.start.character &&
        p.range.end.line === d.range.end.line &&
        p.range.end.character === d.range.end.character,
    );
    return same?.data === undefined ? d : { ...d, data: same.data };
  });
}

function fixesOf(diagnostic: Diagnostic): QuickFix[] {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  return Array.isArray(data?.fixes) ? data.fixes.filter((f) => typeof f?.title === 'string') : [];
}

function workspaceEditFor(
  doc: TextDocument,
  fix: QuickFix,
  options: CodeActionOptions,
): WorkspaceEdit | undefined {
  const changes: WorkspaceEdit['documentChanges'] = [];
  if (fix.edits?.length) {
    changes.push(
      TextDocumentEdit.create(
        { uri: doc.uri, version: doc.version },
        fix.edits.map((e) => TextEdit.replace(e.range, e.newText)),
      ),
    );
  }
  if (fix.createFile) {
    if (!options.canCreateFiles) return undefined;
    const target = path.resolve(options.root, fix.createFile.path);
    // A handler such as `../../x.handler` must not make a quick fix write outside the project.
    if (path.relative(options.root, target).startsWith('..')) return undefined;
    const uri = pathToFileURL(target).href;
    // No ignoreIfExists: if the file appeared meanwhile, the client refuses instead of
    // prepending a stub to it.
    changes.push(CreateFile.create(uri));
    changes.push(
      TextDocumentEdit.create({ uri, version: null }, [
        TextEdit.insert({ line: 0, character: 0 }, fix.createFile.content),
      ]),
    );
  }
  return changes.length > 0 ? { documentChanges: changes } : undefined;
}
