import { describe, expect, it } from 'vitest';
import { clampSize, EDITOR_MIN_WIDTH, problemsBounds, sidePanelWidth, SIDE_MIN_WIDTH } from './panel-sizes';

describe('panel sizes', () => {
  it('a side panel gives way so the text keeps its minimum width', () => {
    // 1024×700: the workbench is about 700 px wide; Modules asks for 400 and gets what the text leaves.
    expect(sidePanelWidth(400, 700)).toBe(700 - EDITOR_MIN_WIDTH);
    expect(sidePanelWidth(400, 1400)).toBe(400);
    // Never narrower than its own minimum, even when the window is tiny (the text shrinks then).
    expect(sidePanelWidth(400, 500)).toBe(SIDE_MIN_WIDTH);
  });

  it('clamps to its bounds, and to the minimum when the bounds cross', () => {
    expect(clampSize(50, { min: 100, max: 300 })).toBe(100);
    expect(clampSize(500, { min: 100, max: 300 })).toBe(300);
    expect(clampSize(200.4, { min: 100, max: 300 })).toBe(200);
    expect(clampSize(200, { min: 100, max: 50 })).toBe(100);
  });

  it('Problems grows up to what leaves the text its minimum height', () => {
    expect(problemsBounds(600)).toEqual({ min: 56, max: 460 });
    expect(problemsBounds(600, 300)).toEqual({ min: 56, max: 160 });
    expect(problemsBounds(100).max).toBe(56);
  });
});
