// Problems from the manifest core become LSP diagnostics, one for one: same range, code and
// message, severity mapped, and the problem's fixes kept in `data` for the code action provider.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkManifest, type ManifestDocument } from '../../core/manifest';
import type { Problem, QuickFix, Severity } from '../../core/manifest';

export const DIAGNOSTIC_SOURCE = 'flourish';

type CheckOptions = Parameters<typeof checkManifest>[1];

export interface ValidateOptions {
  file: string;
  stage: string | undefined;
  /** The parse of this document's text (for the same file and stage), made on demand. */
  parse?: () => ManifestDocument;
  fs?: CheckOptions['fs'];
  signal: AbortSignal;
  log: { error(message: string): void };
}

/** What a diagnostic carries for its quick fixes. */
export interface DiagnosticData {
  fixes: QuickFix[];
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(problem: Problem): Diagnostic {
  const diagnostic: Diagnostic = {
    range: problem.range,
    severity: SEVERITY[problem.severity] ?? DiagnosticSeverity.Error,
    code: problem.code,
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
  };
  if (problem.fixes?.length) diagnostic.data = { fixes: problem.fixes } satisfies DiagnosticData;
  // Editors strike a retired runtime through.
  if (problem.code === 'runtime-deprecated') diagnostic.tags = [DiagnosticTag.Deprecated];
  return diagnostic;
}

/**
 * Checks the manifest and returns its diagnostics. A failure inside the checker is itself
 * reported as a diagnostic (and logged), so the user sees why nothing else appears.
 */
export async function validateManifest(
  doc: TextDocument,
  options: ValidateOptions,
): Promise<Diagnostic[]> {
  const checkOptions: CheckOptions = { file: options.file, signal: options.signal };
  if (options.stage) checkOptions.stage = options.stage;
  if (options.fs) checkOptions.fs = options.fs;
  try {
    if (options.parse) checkOptions.parsed = options.parse();
    const { problems } = await checkManifest(doc.getText(), checkOptions);
    return problems.map(toDiagnostic);
  } catch (error) {
    if (options.signal.aborted) return [];
    const reason = error instanceof Error ? error.message : String(error);
    options.log.error(
      `Flourish: validating ${doc.uri} failed: ${error instanceof Error ? (error.stack ?? reason) : reason}`,
    );
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Error,
        code: 'internal-error',
        source: DIAGNOSTIC_SOURCE,
        message:
          `Flourish could not validate this manifest: ${reason}. ` +
          'This is a bug in Flourish; the language server log has the details.',
      },
    ];
  }
}
