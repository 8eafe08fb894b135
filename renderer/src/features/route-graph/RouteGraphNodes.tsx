/**
 * The route graph's node components for React Flow: a module (inputs on the left, outputs on the right, each
 * a labelled handle), `$upstream` (the cloud, in the brand colour), a message source that is not a module, and
 * the marker each broken route with an unreadable target points at. Sizes and handle rows come from route-graph.layout.ts.
 */
import { makeStyles, mergeClasses, tokens, Tooltip } from '@fluentui/react-components';
import { ArrowRoutingRegular, CloudArrowUpRegular, CubeRegular, ErrorCircleRegular } from '@fluentui/react-icons';
import { Handle, Position, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import { middleShorten } from './route-graph.filter';
import { handleTop, MODULE_NAME_MAX, type PositionedNode } from './route-graph.layout';
import { ALL_OUTPUTS, inputHandle, outputHandle } from './route-graph.types';

export type RouteNodeData = { readonly placed: PositionedNode; readonly layered: boolean };
export type RouteFlowNode = Node<RouteNodeData>;

const useStyles = makeStyles({
  box: {
    boxSizing: 'border-box',
    position: 'relative',
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground1,
    borderRadius: tokens.borderRadiusLarge,
  },
  module: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    boxShadow: tokens.shadow4,
  },
  undeployed: {
    backgroundColor: tokens.colorNeutralBackground2,
    border: `${tokens.strokeWidthThick} dashed ${tokens.colorNeutralStrokeAccessible}`,
    boxShadow: 'none',
  },
  header: {
    boxSizing: 'border-box',
    height: '40px',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `0 ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  titles: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  name: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase300, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' },
  note: { fontSize: tokens.fontSizeBase100, lineHeight: tokens.lineHeightBase100, color: tokens.colorNeutralForeground3 },
  icon: { flexShrink: 0, fontSize: '18px', color: tokens.colorBrandForeground1 },
  port: {
    position: 'absolute',
    transform: 'translateY(-50%)',
    maxWidth: '45%',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase100,
    color: tokens.colorNeutralForeground2,
  },
  input: { left: tokens.spacingHorizontalM },
  idle: { left: tokens.spacingHorizontalM, fontFamily: tokens.fontFamilyBase, fontStyle: 'italic', color: tokens.colorNeutralForeground4 },
  output: { right: tokens.spacingHorizontalM, textAlign: 'right' },
  handle: { width: '8px', height: '8px' },
  pill: {
    boxSizing: 'border-box',
    height: '100%',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `0 ${tokens.spacingHorizontalM}`,
  },
  upstream: {
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    borderRadius: tokens.borderRadiusCircular,
    boxShadow: tokens.shadow8,
    justifyContent: 'center',
  },
  upstreamIcon: { fontSize: '22px', flexShrink: 0 },
  source: {
    backgroundColor: tokens.colorBrandBackground2,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke2}`,
  },
  detail: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3, whiteSpace: 'nowrap' },
  error: {
    backgroundColor: tokens.colorStatusDangerBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorStatusDangerBorder1}`,
    color: tokens.colorStatusDangerForeground1,
  },
  errorIcon: { fontSize: '16px', flexShrink: 0, color: tokens.colorStatusDangerForeground1 },
  // One per broken route: small, so twenty of them stay short stubs beside their modules.
  marker: { gap: tokens.spacingHorizontalXS, padding: `0 ${tokens.spacingHorizontalS}` },
  markerName: { fontSize: tokens.fontSizeBase200 },
});

function Port({ id, name, index, side }: { id: string; name: string; index: number; side: 'input' | 'output' }) {
  const styles = useStyles();
  const top = handleTop(index);
  const text = name === ALL_OUTPUTS ? '* (all)' : name;
  return (
    <>
      <Handle
        type={side === 'input' ? 'target' : 'source'}
        position={side === 'input' ? Position.Left : Position.Right}
        id={id}
        isConnectable={false}
        className={styles.handle}
        style={{ top }}
      />
      <span className={mergeClasses(styles.port, side === 'input' ? styles.input : styles.output)} style={{ top }} title={name}>
        {text}
      </span>
    </>
  );
}

function ModuleNode({ data }: NodeProps<RouteFlowNode>) {
  const styles = useStyles();
  const { placed, layered } = data;
  if (placed.node.kind !== 'module') return null;
  const { name, deployed, inputs, outputs } = placed.node;
  const missing = layered ? 'not in this layer' : 'not deployed';
  return (
    <div
      className={mergeClasses(styles.box, styles.module, !deployed && styles.undeployed)}
      style={{ width: placed.width, height: placed.height }}
      data-testid="route-graph-module"
      data-deployed={deployed}
    >
      <div className={styles.header}>
        <CubeRegular className={styles.icon} aria-hidden />
        <div className={styles.titles}>
          <span className={styles.name} title={name}>
            {middleShorten(name, MODULE_NAME_MAX)}
          </span>
          {!deployed && <span className={styles.note}>{missing}</span>}
        </div>
      </div>
      {inputs.length === 0 && outputs.length === 0 && (
        <span className={mergeClasses(styles.port, styles.idle)} style={{ top: handleTop(0) }}>
          no routes
        </span>
      )}
      {inputs.map((input, index) => (
        <Port key={`in:${input}`} id={inputHandle(input)} name={input} index={index} side="input" />
      ))}
      {outputs.map((output, index) => (
        <Port key={`out:${output}`} id={outputHandle(output)} name={output} index={index} side="output" />
      ))}
    </div>
  );
}

function UpstreamNode({ data }: NodeProps<RouteFlowNode>) {
  const styles = useStyles();
  return (
    <div className={mergeClasses(styles.box, styles.pill, styles.upstream)} style={{ width: data.placed.width, height: data.placed.height }} data-testid="route-graph-upstream">
      <Handle type="target" position={Position.Left} id="in" isConnectable={false} className={styles.handle} />
      <CloudArrowUpRegular className={styles.upstreamIcon} aria-hidden />
      <div className={styles.titles}>
        <span className={styles.name}>$upstream</span>
        <span className={styles.note} style={{ color: 'inherit' }}>
          IoT Hub
        </span>
      </div>
    </div>
  );
}

function SourceNode({ data }: NodeProps<RouteFlowNode>) {
  const styles = useStyles();
  const node = data.placed.node;
  if (node.kind !== 'source') return null;
  return (
    <div className={mergeClasses(styles.box, styles.pill, styles.source)} style={{ width: data.placed.width, height: data.placed.height }}>
      <ArrowRoutingRegular className={styles.icon} aria-hidden />
      <div className={styles.titles}>
        <span className={styles.name}>{node.label}</span>
        <span className={styles.detail}>{node.detail}</span>
      </div>
      <Handle type="source" position={Position.Right} id="out" isConnectable={false} className={styles.handle} />
    </div>
  );
}

function ErrorNode({ data }: NodeProps<RouteFlowNode>) {
  const styles = useStyles();
  const node = data.placed.node;
  if (node.kind !== 'error') return null;
  return (
    <Tooltip content={`Route ${node.route}: its target cannot be read. A route ends INTO $upstream or INTO BrokeredEndpoint("/modules/<module>/inputs/<input>").`} relationship="description">
      <div className={mergeClasses(styles.box, styles.pill, styles.error, styles.marker)} style={{ width: data.placed.width, height: data.placed.height }} data-testid="route-graph-error" data-route={node.route}>
        <Handle type="target" position={Position.Left} id="in" isConnectable={false} className={styles.handle} />
        <ErrorCircleRegular className={styles.errorIcon} aria-hidden />
        <span className={mergeClasses(styles.name, styles.markerName)}>{node.label}</span>
      </div>
    </Tooltip>
  );
}

export const routeNodeTypes: NodeTypes = { module: ModuleNode, upstream: UpstreamNode, source: SourceNode, error: ErrorNode };
