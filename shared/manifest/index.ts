/**
 * Deployment-manifest core: model, validation with located diagnostics, template expansion and
 * layered deployments. Pure TypeScript: no node:*, no DOM, no runtime code generation.
 */
export type * from './model.js';
export type { Diagnostic, PatchOperation, QuickFix, Severity, DiagnosticCounts } from './diagnostic.js';
export { countDiagnostics, hasErrors, sortDiagnostics } from './diagnostic.js';
export { capDiagnostics, MAX_DIAGNOSTICS } from './diagnostic-cap.js';
export { firstTooDeepOffset, MAX_JSON_DEPTH, modifyBounded, parseTreeBounded } from './json-depth.js';
export { DIAGNOSTIC_CODES, severityOf, type DiagnosticCode } from './diagnostic-codes.js';
export { validateManifest, type ManifestReport, type ValidateOptions } from './validate-manifest.js';
export {
  chunkCreateOptions,
  joinCreateOptions,
  readCreateOptionsChunks,
  CREATE_OPTIONS_CHUNK_SIZE,
  TOOLING_MAX_CHUNKS,
  AGENT_MAX_CHUNKS,
  type ChunkOptions,
  type ChunkOverflow,
  type ChunkReading,
} from './create-options.js';
export { effectiveManifest, layerFromConfiguration, type DeploymentLayer } from './layered.js';
export { checkImage, type ImageVerdict } from './image-ref.js';
export { isTemplateFileName } from './detect-kind.js';
export { toPointer, parsePointer, getAtPointer } from './json-pointer.js';
export type { Range, Position } from './source-text.js';
export { expandTemplate, type ExpandOptions, type ExpandedTemplate } from './template-expand.js';
export { moduleImageInfoFromModuleJson, type ModuleImageInfo } from './template-images.js';
export { parseDotEnv } from './dot-env.js';
export { objectMember, objectMembers } from './jsonc-members.js';
