// The side-panel preview webview (its own bundle): shows the row selected in the active dataset panel.
import { announceReady, rpc, useSettings } from '../host';
import { registerToolkit } from '../ui/toolkit';
import { mountPreview } from './previewView';

registerToolkit();
document.body.classList.add('preview-body');
const app = document.getElementById('app')!;
app.setAttribute('aria-busy', 'false');
mountPreview(app, { rpc });
announceReady();
void rpc.request('settings', {}).then(useSettings, () => undefined);
