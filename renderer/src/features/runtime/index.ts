export { RuntimePage } from './RuntimePage';
export { useApplyStore } from './apply-store';
export { useRuntimeSnapshot, runtimeKeys } from './queries';
