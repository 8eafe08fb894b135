import './global.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { browserStorage, createDraftStore, DraftsContext } from './features/manifests';
import { connectToHost, HostContext } from './ipc/host';
import { bindQueriesToConnection } from './ipc/query-connection';

const host = connectToHost();
const queryClient = new QueryClient({
  defaultOptions: {
    // Server state is pushed by the host; nothing here refetches on a timer.
    queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: 1 },
    // A mutation made while disconnected fails at once (and says so) rather than waiting to fire on reconnect.
    mutations: { networkMode: 'always' },
  },
});
bindQueriesToConnection(queryClient, host.transport);
const drafts = createDraftStore(browserStorage());

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing');
createRoot(root).render(
  <StrictMode>
    <HostContext.Provider value={host}>
      <QueryClientProvider client={queryClient}>
        <DraftsContext.Provider value={drafts}>
          <App />
        </DraftsContext.Provider>
      </QueryClientProvider>
    </HostContext.Provider>
  </StrictMode>,
);
