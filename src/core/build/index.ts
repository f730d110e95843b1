// Build and package: from a function in the manifest to a deterministic zip and its content
// address. Editor-neutral; the CLI, the deploy step and the extension all call this.

export { BuildError, EmptyPackageError, PackageLimitError, UnsafePathError } from './errors';
export { checkHandlerPackaged, handlerCandidates } from './handlerCheck';
export { runBuild, type BuildRun, type OutputStream, type RunBuildOptions } from './runBuild';
export {
  bundleHandler,
  esbuildTarget,
  handlerModule,
  typeScriptHandlerSource,
  type BundleResult,
} from './bundle';
export {
  DEFAULT_EXCLUDES,
  selectFiles,
  type PackageWarning,
  type SelectedFile,
  type Selection,
  type SelectOptions,
} from './selectFiles';
export { productionDependencies, type ProductionDeps } from './productionDeps';
export { isLikelySecret } from './secrets';
export {
  writeDeterministicZip,
  zipMode,
  ZIP_EPOCH,
  type ZipInput,
  type ZipOptions,
  type ZipOutput,
} from './zip';
export { FileHashCache, hashFile } from './hashCache';
export {
  checkLimit,
  LAMBDA_PACKAGE_LIMITS,
  largestFiles,
  largestFolders,
  type SizedPath,
} from './limits';
export { assertSafeEntryName } from './paths';
export {
  packageFunction,
  packageWorkDir,
  type PackageOptions,
  type PackagePhase,
  type PackageProgress,
  type PackageResult,
} from './packageFunction';
