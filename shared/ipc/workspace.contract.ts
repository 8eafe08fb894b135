import { z } from 'zod';
import { defineContract } from './contract';

/**
 * The workspace: one folder of plain files on disk (a VS Code IoT Edge solution), opened by the host.
 * Paths inside it travel as relative POSIX paths (`modules/filtermodule/module.json`); the host refuses any
 * path that would leave the folder (BAD_REQUEST, details.reason = 'OUTSIDE_WORKSPACE').
 * Every save keeps a version in the data folder (local history), so any save can be compared and restored.
 */

/** Largest file the workspace reads or writes: manifests are a few hundred KiB at most. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** A path relative to the workspace folder, with forward slashes. Escapes are refused by the host, not here. */
export const RelativePath = z.string().min(1).max(1024);

/** An absolute folder path on the host (or `~/…`). */
export const FolderPath = z.string().trim().min(1).max(4096);

/** Content hash of a file as last read or written (sha256, hex): the base version for conflict detection. */
export const ContentVersion = z.string().regex(/^[0-9a-f]{64}$/);

export const WorkspaceInfo = z.object({
  /** Real, absolute path of the folder. */
  root: z.string(),
  name: z.string(),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

export const TreeEntry = z.object({
  path: z.string(),
  name: z.string(),
  kind: z.enum(['file', 'directory']),
  /** Bytes, for files. */
  size: z.number().int().nonnegative().optional(),
});
export type TreeEntry = z.infer<typeof TreeEntry>;

export const FileTree = z.object({
  root: z.string(),
  /** Depth-first, directories before files, each level sorted by name. Only relevant files and their folders. */
  entries: z.array(TreeEntry),
  /** True when the depth or count bound cut the listing short. */
  truncated: z.boolean(),
});
export type FileTree = z.infer<typeof FileTree>;

export const FileContent = z.object({
  path: z.string(),
  text: z.string(),
  version: ContentVersion,
  size: z.number().int().nonnegative(),
});
export type FileContent = z.infer<typeof FileContent>;

/**
 * Why a version exists: a save from the console, a restore of an older version, or the content found on disk
 * before a save when history did not have it yet (the original, or a change made elsewhere).
 */
export const VersionReason = z.enum(['save', 'restore', 'disk']);
export type VersionReason = z.infer<typeof VersionReason>;

export const HistoryVersion = z.object({
  id: z.string().regex(/^[0-9a-z-]{1,64}$/),
  /** ISO 8601. */
  savedAt: z.string(),
  size: z.number().int().nonnegative(),
  version: ContentVersion,
  reason: VersionReason,
  /** For `restore`: the id of the version that was restored. */
  restoredFrom: z.string().optional(),
});
export type HistoryVersion = z.infer<typeof HistoryVersion>;

export const SaveResult = z.object({
  path: z.string(),
  version: ContentVersion,
  size: z.number().int().nonnegative(),
  /** The history entry this save made (or the latest one, when the content was already recorded). */
  saved: HistoryVersion,
});
export type SaveResult = z.infer<typeof SaveResult>;

export const TemplateInfo = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** The file to open first after creating a solution. */
  mainFile: z.string(),
});
export type TemplateInfo = z.infer<typeof TemplateInfo>;

/** Target platforms of `${MODULES.x}` images, as the IoT Edge tools name them. */
export const TemplatePlatform = z.enum(['amd64', 'arm32v7', 'arm64v8']);
export type TemplatePlatform = z.infer<typeof TemplatePlatform>;

export const ExpandedTemplate = z.object({
  /** The deployment, as `gatehouse expand` and the VS Code tools write it. */
  text: z.string(),
  /** `deployment.<platform>.json` (or `deployment.debug.<platform>.json`). */
  outputName: z.string(),
  platform: TemplatePlatform,
});
export type ExpandedTemplate = z.infer<typeof ExpandedTemplate>;

/**
 * Why a template did not expand (INVALID_MANIFEST, details.reason = 'EXPAND_FAILED'): located in the template's
 * text, as the editor shows problems.
 */
export const ExpandDiagnostic = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  pointer: z.string(),
});
export type ExpandDiagnostic = z.infer<typeof ExpandDiagnostic>;

const OpenedWorkspace = z.object({ workspace: WorkspaceInfo.nullable() });

export const FileChange = z.enum(['created', 'modified', 'deleted']);
export type FileChange = z.infer<typeof FileChange>;

export const FileChangedEvent = z.object({
  root: z.string(),
  path: z.string(),
  change: FileChange,
  /** The new content version (absent for `deleted`). */
  version: ContentVersion.optional(),
  /** `console`: a save or restore through this host (any window); `disk`: another program changed the file. */
  origin: z.enum(['console', 'disk']),
});
export type FileChangedEvent = z.infer<typeof FileChangedEvent>;

const PathInput = z.object({ path: RelativePath }).strict();
const VersionInput = z.object({ path: RelativePath, id: z.string().max(64) }).strict();

export const workspaceContract = defineContract({
  name: 'workspace',
  methods: {
    current: { input: z.object({}).strict(), output: OpenedWorkspace, summary: 'The folder open now, if any.' },
    open: { input: z.object({ path: FolderPath }).strict(), output: WorkspaceInfo, summary: 'Open a folder as the workspace (and watch it).' },
    close: { input: z.object({}).strict(), output: OpenedWorkspace, summary: 'Close the workspace folder.' },
    listTree: { input: z.object({}).strict(), output: FileTree, summary: 'Relevant files of the workspace (bounded depth and count).' },
    readFile: { input: PathInput, output: FileContent, summary: 'Read a text file of the workspace.' },
    writeFile: {
      input: z
        .object({
          path: RelativePath,
          text: z.string().max(MAX_FILE_BYTES),
          /** When given, the save is refused with CONFLICT if the file on disk is no longer this version. */
          baseVersion: ContentVersion.optional(),
        })
        .strict(),
      output: SaveResult,
      summary: 'Save a file atomically and keep a version in local history.',
    },
    listTemplates: { input: z.object({}).strict(), output: z.array(TemplateInfo), summary: 'Solution templates.' },
    createFromTemplate: {
      input: z
        .object({
          template: z.string().regex(/^[a-z0-9-]{1,64}$/),
          /** Folder to create the solution in (absolute, or `~/…`). */
          parent: FolderPath,
          /** Name of the new solution folder. */
          name: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/, 'letters, digits, dot, dash, underscore or space'),
          /** Create the parent folder (and its parents) when it does not exist; otherwise that is NOT_FOUND. */
          createParent: z.boolean().optional(),
        })
        .strict(),
      output: WorkspaceInfo,
      summary: 'Create a new solution folder from a template and open it.',
    },
    expandTemplate: {
      input: z
        .object({
          path: RelativePath,
          /** Default: this machine's platform (the local runtime runs images built for it). */
          platform: TemplatePlatform.optional(),
          /** The editor's text when it has unsaved changes; otherwise the file is read. */
          text: z.string().max(MAX_FILE_BYTES).optional(),
        })
        .strict(),
      output: ExpandedTemplate,
      summary: "Expand a deployment template with its folder's .env and modules/*/module.json (nothing is written).",
    },
    listVersions: { input: PathInput, output: z.array(HistoryVersion), summary: 'Saved versions of a file, newest first.' },
    readVersion: { input: VersionInput, output: z.object({ version: HistoryVersion, text: z.string() }), summary: 'The text of one saved version.' },
    restoreVersion: {
      input: VersionInput,
      output: z.object({ file: FileContent, saved: HistoryVersion }),
      summary: 'Write a saved version back to the file (itself recorded as a new version).',
    },
  },
  events: {
    opened: OpenedWorkspace,
    fileChanged: FileChangedEvent,
  },
});
