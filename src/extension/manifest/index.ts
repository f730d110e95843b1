// The manifest parser and the handler resolver (yaml and src/core/manifest): a bundle of its
// own (dist/extension-manifest.js), loaded when the explorer, the status bar, CodeLens or a
// command first reads a manifest, not at activation (see lazyManifest.ts).
import { parseManifest, type Manifest, type Problem } from '../../core/manifest';

export { handlerStub, nodeFs, resolveHandler, type ManifestFs } from '../../core/manifest';

export interface ParsedWorkspaceManifest {
  manifest?: Manifest;
  problems: Problem[];
  /** Stage names the manifest declares (its default and those under `stages:`). */
  stages: string[];
}

/** Parses one flourish.yaml for a stage, as deploy would see it. */
export function parseWorkspaceManifest(
  text: string,
  file: string,
  stage: string | undefined,
): ParsedWorkspaceManifest {
  const parsed = parseManifest(text, { file, stage });
  const declared = parsed.document.get('stages');
  const stageKeys =
    declared && typeof declared === 'object' && 'items' in declared
      ? (declared.items as { key: unknown }[]).map((pair) =>
          String((pair.key as { value?: unknown })?.value ?? pair.key),
        )
      : [];
  const stages = [
    ...new Set([parsed.manifest?.stage, ...stageKeys].filter((s): s is string => Boolean(s))),
  ];
  return { manifest: parsed.manifest, problems: parsed.problems, stages };
}
