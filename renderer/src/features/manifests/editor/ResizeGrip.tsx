import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { KeyboardEvent, PointerEvent } from 'react';
import { clampSize } from './panel-sizes';

const useStyles = makeStyles({
  grip: { position: 'absolute', zIndex: 1, ':hover': { backgroundColor: tokens.colorBrandStroke2 }, ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, backgroundColor: tokens.colorBrandStroke2 } },
  top: { top: '-4px', left: 0, right: 0, height: '7px', cursor: 'row-resize' },
  left: { left: '-4px', top: 0, bottom: 0, width: '7px', cursor: 'col-resize' },
});

const STEP = 24;

export interface ResizeGripProps {
  /** The edge of the panel the grip sits on: dragging it away from the panel makes the panel bigger. */
  readonly edge: 'top' | 'left';
  readonly size: number;
  /** The bounds now (they depend on the room around the panel). */
  readonly bounds: () => { readonly min: number; readonly max: number };
  readonly onSize: (size: number) => void;
  readonly label: string;
  readonly testId?: string;
}

/**
 * The draggable edge of a panel (the parent must be position: relative): a separator that also takes the arrow
 * keys when focused (Home/End: smallest/largest), so every panel is resizable without a mouse.
 */
export function ResizeGrip({ edge, size, bounds, onSize, label, testId }: ResizeGripProps) {
  const styles = useStyles();
  const sign = -1; // top and left edges: moving towards the start of the axis grows the panel
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const grip = event.currentTarget;
    grip.setPointerCapture(event.pointerId);
    const start = edge === 'top' ? event.clientY : event.clientX;
    const startSize = size;
    const move = (e: globalThis.PointerEvent) => onSize(clampSize(startSize + sign * ((edge === 'top' ? e.clientY : e.clientX) - start), bounds()));
    const up = () => {
      grip.removeEventListener('pointermove', move);
      grip.removeEventListener('pointerup', up);
      grip.removeEventListener('pointercancel', up);
    };
    grip.addEventListener('pointermove', move);
    grip.addEventListener('pointerup', up);
    grip.addEventListener('pointercancel', up);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const grow = edge === 'top' ? 'ArrowUp' : 'ArrowLeft';
    const shrink = edge === 'top' ? 'ArrowDown' : 'ArrowRight';
    const { min, max } = bounds();
    let next: number | undefined;
    if (event.key === grow) next = size + STEP;
    else if (event.key === shrink) next = size - STEP;
    else if (event.key === 'Home') next = min;
    else if (event.key === 'End') next = max;
    if (next === undefined) return;
    event.preventDefault();
    onSize(clampSize(next, { min, max }));
  };
  return (
    <div
      className={mergeClasses(styles.grip, styles[edge])}
      role="separator"
      aria-orientation={edge === 'top' ? 'horizontal' : 'vertical'}
      aria-label={label}
      aria-valuenow={Math.round(size)}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      data-testid={testId}
    />
  );
}
