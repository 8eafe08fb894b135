import { useSyncExternalStore } from 'react';

/** Light or dark, as the shell decided it (the `data-theme` attribute of the app root). */
export function useThemeMode(): 'light' | 'dark' {
  return useSyncExternalStore(
    (onChange) => {
      const observer = new MutationObserver(onChange);
      observer.observe(document.body, { attributes: true, attributeFilter: ['data-theme'], subtree: true });
      return () => observer.disconnect();
    },
    () => (document.querySelector('[data-theme]')?.getAttribute('data-theme') === 'dark' ? 'dark' : 'light'),
  );
}
