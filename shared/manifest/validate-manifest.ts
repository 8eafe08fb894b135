/**
 * validateManifest: text in, verdict out. Parses with locations, decides what the file is (deployment,
 * template, layered deployment), runs the checks and returns located diagnostics plus what could be
 * read. Pure and synchronous; the same code runs in the renderer (live diagnostics in the editor,
 * no eval: the schema validators are pre-generated) and in main before anything is applied.
 */
import { CheckContext } from './check-context.js';
import { checkConfiguration, type ConfigurationInfo } from './check-configuration.js';
import { checkDeploymentContent } from './check-deployment.js';
import { checkLayeredContent } from './check-layered.js';
import { checkTemplateOnlyKeys } from './check-placeholders.js';
import { reportDocument } from './check-document.js';
import { decideKind, detectShape, looksLikeModuleTwin, type ManifestShape } from './detect-kind.js';
import { dedupeDiagnostics, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostic.js';
import { capDiagnostics } from './diagnostic-cap.js';
import { JsonDocument } from './json-document.js';
import type { ManifestKind, ModulesContent, ParsedManifest } from './model.js';
import { isObject } from './newtonsoft-compat.js';
import { PreparedText } from './template-text.js';

export interface ValidateOptions {
  /** The file name (or path); `*.template.json` marks a template. */
  readonly fileName?: string;
  readonly kind?: 'auto' | 'deployment' | 'template' | 'layered';
  /**
   * The variables a template is expanded with (the solution's `.env` over the environment). When given, a
   * template's `${VAR}` must be set and unquoted placeholders take their values, as iotedgedev reads them;
   * when absent, variables are not judged.
   */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ManifestReport {
  readonly kind: ManifestKind;
  /** True when no diagnostic is an error: IoT Edge would accept the deployment. */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly manifest?: ParsedManifest;
}

export function validateManifest(text: string, options: ValidateOptions = {}): ManifestReport {
  const requested = options.kind ?? 'auto';
  // Variables outside quotes mark a template (unless the file is judged as a deployment): read it as iotedgedev does.
  const prepared = PreparedText.prepare(text, { template: requested !== 'deployment', ...(options.env ? { env: options.env } : {}) });
  const doc = JsonDocument.parse(prepared.text);
  const shape = detectShape(doc.value);
  const decision = decideKind(shape, doc.value, doc.source.text, requested, options.fileName, prepared.expanded);
  const ctx = new CheckContext(doc, decision.template ? 'template' : 'deployment', options.env);
  reportDocument(ctx);
  let configuration: ConfigurationInfo | undefined;
  let layers: ParsedManifest['layers'];
  if (!doc.hasHardSyntaxErrors) {
    const root = doc.value;
    if (!isObject(root)) {
      ctx.report('GH1006', '', 'The document must be a JSON object with "modulesContent".');
    } else if (!shape.modulesContent) {
      reportMissingContent(ctx, root, shape);
    } else {
      reportContainer(ctx, root, shape);
      if (shape.isConfiguration) configuration = checkConfiguration(ctx, root);
      const pointer = shape.pointer ?? '/modulesContent';
      if (decision.kind === 'layered') layers = checkLayeredContent(ctx, pointer, shape.modulesContent).layers;
      else checkDeploymentContent(ctx, pointer, shape.modulesContent);
    }
  }
  // Located in the original text (template-text.ts maps positions back across expanded placeholders).
  const located = [...(decision.template ? prepared.tokenDiagnostics(options.env, doc) : []), ...prepared.finish(ctx.diagnostics, decision.template)];
  const all = sortDiagnostics(dedupeDiagnostics(located));
  const manifest = shape.modulesContent ? buildManifest(shape, configuration, layers) : undefined;
  // `ok` counts the errors left out by the cap too.
  return { kind: decision.kind, ok: !hasErrors(all), diagnostics: capDiagnostics(all), ...(manifest ? { manifest } : {}) };
}

function reportMissingContent(ctx: CheckContext, root: Record<string, unknown>, shape: ManifestShape): void {
  if (shape.container) {
    ctx.report('GH2001', shape.pointer ?? '', `"${shape.container}" must be an object of module twins ($edgeAgent, $edgeHub, …).`);
  } else if (looksLikeModuleTwin(root)) {
    ctx.report('GH1006', '', 'This is a module twin (deviceId, moduleId, properties), not a deployment manifest. A deployment has "modulesContent" with "$edgeAgent": { "properties.desired": … } and "$edgeHub".');
  } else {
    ctx.report('GH2001', '', 'No "modulesContent" found: this is not an IoT Edge deployment manifest. A deployment is { "modulesContent": { "$edgeAgent": …, "$edgeHub": … } }.');
  }
}

function reportContainer(ctx: CheckContext, root: Record<string, unknown>, shape: ManifestShape): void {
  if (shape.container === 'top level') {
    ctx.report('GH2009', '', 'The twins are at the top level, the form Set-AzIotHubEdgeModule -ModulesContent takes. az iot edge set-modules, az iot edge deployment create and the VS Code tools need them wrapped in "modulesContent"; the twins are checked below as they are.', {
      range: ctx.doc.source.rangeAt(ctx.doc.root?.offset ?? 0, 1),
      fix: { title: 'Wrap in "modulesContent"', edits: [{ op: 'replace', path: '', value: { modulesContent: root } }] },
    });
  }
  if (shape.pointer?.endsWith('/moduleContent')) {
    const target = shape.pointer.replace(/moduleContent$/, 'modulesContent');
    ctx.report('GH2002', shape.pointer, `"moduleContent" is the old spelling; IoT Hub and the tools still convert it, but the documented key is "modulesContent".`, {
      part: 'key',
      fix: { title: 'Rename to "modulesContent"', edits: [{ op: 'move', from: shape.pointer, path: target }] },
    });
  }
  if (shape.bothSpellings) {
    ctx.report('GH2008', '/moduleContent', 'Both "modulesContent" and "moduleContent" are present; only "modulesContent" is used. Remove "moduleContent".', {
      part: 'key',
      fix: { title: 'Remove "moduleContent"', edits: [{ op: 'remove', path: '/moduleContent' }] },
    });
  }
  checkTemplateOnlyKeys(ctx, root);
}

function buildManifest(shape: ManifestShape, configuration: ConfigurationInfo | undefined, layers: ParsedManifest['layers']): ParsedManifest | undefined {
  const modulesContent = shape.modulesContent;
  if (!modulesContent || !shape.container) return undefined;
  const desiredOf = (twin: string): unknown => {
    const content = modulesContent[twin];
    return isObject(content) ? content['properties.desired'] : undefined;
  };
  const moduleTwins: Record<string, Readonly<Record<string, unknown>>> = {};
  for (const twin of Object.keys(modulesContent)) {
    const desired = desiredOf(twin);
    if (twin !== '$edgeAgent' && twin !== '$edgeHub' && isObject(desired)) moduleTwins[twin] = desired;
  }
  const agent = desiredOf('$edgeAgent');
  const hub = desiredOf('$edgeHub');
  return {
    container: shape.container,
    modulesContentPointer: shape.pointer ?? '/modulesContent',
    modulesContent: modulesContent as ModulesContent,
    ...(isObject(agent) ? { edgeAgent: agent as unknown as NonNullable<ParsedManifest['edgeAgent']> } : {}),
    ...(isObject(hub) ? { edgeHub: hub as unknown as NonNullable<ParsedManifest['edgeHub']> } : {}),
    moduleTwins,
    ...(configuration ? { configuration } : {}),
    ...(layers ? { layers } : {}),
  };
}
