/** Quotes a value for the shell the user most likely has on that platform. */
function quote(value: string, platform: string): string {
  return platform === 'win32' ? `'${value.replace(/'/g, "''")}'` : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The commands the Overview suggests for a terminal: through npx (the package's bin is not on PATH until
 * `npm link`), pointed at this console's data folder so they reach it, and never a made-up port.
 */
export function terminalHint(dataDir: string, platform: string): string {
  const home = platform === 'win32' ? `$env:GATEHOUSE_HOME = ${quote(dataDir, platform)}` : `export GATEHOUSE_HOME=${quote(dataDir, platform)}`;
  return [
    `${home}   # this console's data folder: commands reach it`,
    'npx gatehouse status',
    'npx gatehouse runtime status --json',
    "npx gatehouse token show   # this console's URL, for another browser",
  ].join('\n');
}
