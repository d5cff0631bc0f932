import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { onUnauthorized } from './api/client';
import { AppShell } from './components/shell/AppShell';
import { useConnectionStore } from './stores/connection-store';
import { usePortfolioStore } from './stores/portfolio-store';
import './styles.css';

onUnauthorized(() => useConnectionStore.getState().markSignedOut());
// The event stream (and the connection state it gives) lives as long as the window, whichever workspace is open.
useConnectionStore.getState().watchConnection();
void usePortfolioStore.getState().refreshList();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <AppShell />
  </StrictMode>,
);
