import { z } from 'zod';
import { defineContract } from './contract';

export const ThemePreference = z.enum(['system', 'light', 'dark']);
export type ThemePreference = z.infer<typeof ThemePreference>;

export const Settings = z.object({
  theme: ThemePreference,
  /** Folders opened recently in the workspace, newest first. */
  recentFolders: z.array(z.string()).max(20),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = { theme: 'system', recentFolders: [] };

export const ComponentVersion = z.object({ name: z.string(), version: z.string() });

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** How the renderer is hosted: in Electron's window, or by `gatehouse serve` for a browser. */
  shell: z.enum(['electron', 'served']),
  dataDir: z.string(),
  platform: z.string(),
  arch: z.string(),
  components: z.array(ComponentVersion),
  /** The local runtime's settings (environment: GATEHOUSE_DEVICE_ID, GATEHOUSE_RUNTIME_NETWORK, GATEHOUSE_WORKLOAD_URI). */
  runtime: z.object({ deviceId: z.string(), network: z.string(), workloadUri: z.string(), engineEndpoint: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appContract = defineContract({
  name: 'app',
  methods: {
    getInfo: { input: z.object({}).strict(), output: AppInfo, summary: 'Versions, data folder and shell of this Gatehouse.' },
    getSettings: { input: z.object({}).strict(), output: Settings, summary: 'The persisted user settings.' },
    pickFolder: {
      input: z.object({ title: z.string().max(200).optional() }).strict(),
      output: z.object({ path: z.string().optional() }),
      summary: "The desktop app's native folder dialog (UNSUPPORTED in the served console: type a path there).",
    },
    updateSettings: {
      input: Settings.partial().strict(),
      output: Settings,
      summary: 'Change some settings; returns the whole new settings object.',
    },
  },
  events: {
    settingsChanged: Settings,
  },
});
