import { useEffect, useSyncExternalStore } from 'react';
import { contributeCommands, contributedCommands, subscribeContributions, type ContributedCommand } from './commands';

/** Offers `commands` in the palette while the calling component is mounted (memoize the array). */
export function useContributeCommands(source: string, commands: readonly ContributedCommand[]): void {
  useEffect(() => contributeCommands(source, commands), [source, commands]);
}

/** What the features offer now. */
export function useContributedCommands(): readonly ContributedCommand[] {
  return useSyncExternalStore(subscribeContributions, contributedCommands);
}
