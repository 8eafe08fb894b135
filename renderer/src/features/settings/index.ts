export { SettingsPage } from './SettingsPage';
export { useAppInfo, useSettings, useUpdateSettings, settingsKeys } from './queries';
export { CopyButton } from './CopyButton';
