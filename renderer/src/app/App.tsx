import { FluentProvider, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { useSyncExternalStore } from 'react';
import { useUnsavedEditsGuard } from '../features/manifests';
import { useSettings } from '../features/settings';
import { useHostStatusSubscription } from '../features/overview';
import { Shell } from './Shell';

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

function usePrefersDark(): boolean {
  return useSyncExternalStore(
    (onChange) => (darkQuery.addEventListener('change', onChange), () => darkQuery.removeEventListener('change', onChange)),
    () => darkQuery.matches,
  );
}

export function App() {
  const settings = useSettings();
  const prefersDark = usePrefersDark();
  useHostStatusSubscription();
  useUnsavedEditsGuard();
  const preference = settings.data?.theme ?? 'system';
  const dark = preference === 'dark' || (preference === 'system' && prefersDark);
  return (
    <FluentProvider theme={dark ? webDarkTheme : webLightTheme} style={{ height: "100%" }} data-testid="app-root" data-theme={dark ? 'dark' : 'light'}>
      <Shell />
    </FluentProvider>
  );
}
