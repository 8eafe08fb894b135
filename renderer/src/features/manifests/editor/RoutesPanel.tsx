import { Button, Caption1, Caption1Strong, makeStyles, Spinner, tokens, Tooltip } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { useManifests } from '../manifests-store';
import { getModel } from './models';
import { ResizeGrip } from './ResizeGrip';
import { useModelText, useOpenModel } from './use-model-text';

/** React Flow and dagre load with the first graph, not with the editor. */
const RouteGraph = lazy(() => import('../../route-graph'));

const MIN_HEIGHT = 160;
/** The editor keeps at least this much when the panel is dragged up. */
const EDITOR_MIN = 140;

const useStyles = makeStyles({
  panel: { position: 'relative', display: 'flex', flexDirection: 'column', flexShrink: 0, minHeight: 0, maxHeight: `calc(100% - ${EDITOR_MIN}px)`, borderTop: `1px solid ${tokens.colorNeutralStroke2}`, backgroundColor: tokens.colorNeutralBackground1 },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, height: '34px', padding: `0 ${tokens.spacingHorizontalS} 0 ${tokens.spacingHorizontalM}`, flexShrink: 0 },
  title: { textTransform: 'uppercase', letterSpacing: '0.04em', color: tokens.colorNeutralForeground2 },
  hint: { flex: 1, minWidth: 0, color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  graph: { flex: 1, minHeight: 0, display: 'flex', padding: `0 ${tokens.spacingHorizontalS} ${tokens.spacingVerticalS}` },
  center: { margin: 'auto' },
});

/**
 * A key that changes when the box is resized a lot (a side panel opens, the window or the panel is resized): the
 * graph fits itself to its box only when it is drawn, so it is drawn again then.
 */
function useRefitKey(box: RefObject<HTMLDivElement | null>): number {
  const [key, setKey] = useState(0);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let last = { width: element.clientWidth, height: element.clientHeight };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const now = { width: element.clientWidth, height: element.clientHeight };
        if (Math.abs(now.width - last.width) < 40 && Math.abs(now.height - last.height) < 40) return;
        last = now;
        setKey((k) => k + 1);
      }, 150);
    });
    observer.observe(element);
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
  }, [box]);
  return key;
}

/**
 * The routes of the file open in the editor, drawn under it from its live text (re-read 300 ms after typing
 * stops; a half-typed manifest still shows what can be read). Clicking a route selects its text in the editor.
 * The top edge drags (or, focused, takes the arrow keys) to give the graph more or less height.
 */
export function RoutesPanel({ workspace, path }: { workspace: WorkspaceInfo; path: string }) {
  const styles = useStyles();
  const model = useOpenModel(workspace.root, path);
  const { text } = useModelText(model);
  const [height, setHeight] = useState(300);
  const box = useRef<HTMLDivElement>(null);
  const section = useRef<HTMLElement>(null);
  // On a short window the graph starts smaller: under half the column, so the text and Problems keep their room.
  useLayoutEffect(() => {
    const room = section.current?.parentElement?.clientHeight;
    if (room) setHeight((h) => Math.min(h, Math.max(MIN_HEIGHT, Math.round(room * 0.42))));
  }, []);
  const refit = useRefitKey(box);
  const { root } = workspace;

  const onSelectRoute = useCallback(
    ({ offset, length }: { offset: number; length: number }) => {
      const current = getModel(root, path);
      if (!current) return;
      const start = current.getPositionAt(offset);
      const end = current.getPositionAt(offset + length);
      useManifests.getState().selectRange(path, { line: start.lineNumber, column: start.column }, { line: end.lineNumber, column: end.column });
    },
    [root, path],
  );

  // Up to what the column has left once the editor keeps its minimum.
  const bounds = () => ({ min: MIN_HEIGHT, max: Math.max(MIN_HEIGHT, (section.current?.parentElement?.clientHeight ?? height + EDITOR_MIN) - EDITOR_MIN) });

  return (
    <section ref={section} className={styles.panel} style={{ height }} aria-label="Routes" data-testid="routes-panel">
      <ResizeGrip edge="top" size={height} bounds={bounds} onSize={setHeight} label="Resize the route graph" testId="routes-grip" />
      <div className={styles.header}>
        <Caption1Strong className={styles.title}>Routes</Caption1Strong>
        <Caption1 className={styles.hint}>Click a route to select it in the text; the graph follows your typing.</Caption1>
        <Tooltip content="Close the route graph" relationship="label">
          <Button appearance="subtle" size="small" icon={<DismissRegular />} onClick={() => useManifests.getState().toggleRoutes(false)} />
        </Tooltip>
      </div>
      <div ref={box} className={styles.graph}>
        <Suspense fallback={<Spinner className={styles.center} size="small" label="Drawing the routes…" />}>
          {model ? <RouteGraph key={refit} text={text} onSelectRoute={onSelectRoute} height="100%" /> : <Spinner className={styles.center} size="small" />}
        </Suspense>
      </div>
    </section>
  );
}
