export { OverviewPage } from './OverviewPage';
export { useHostStatus, useHostStatusSubscription, statusKeys } from './queries';
