import { describe, expect, it } from 'vitest';
import { terminalHint } from './terminal-hint';

describe('the Overview terminal hint', () => {
  it('uses npx and this console’s data folder, and names no port', () => {
    const hint = terminalHint("/home/ana/it's here", 'linux');
    expect(hint.split('\n')[0]).toBe(`export GATEHOUSE_HOME='/home/ana/it'\\''s here'   # this console's data folder: commands reach it`);
    expect(hint).toContain('npx gatehouse status');
    expect(hint).not.toMatch(/^gatehouse /m);
    expect(hint).not.toMatch(/4780|--port/);
  });

  it('speaks PowerShell on Windows', () => expect(terminalHint('C:\\Users\\ana\\Gatehouse', 'win32')).toMatch(/^\$env:GATEHOUSE_HOME = 'C:\\Users\\ana\\Gatehouse'/));
});
