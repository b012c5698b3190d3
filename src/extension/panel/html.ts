// The panel's HTML shell: a strict CSP (scripts only with this load's nonce, images only from the
// webview itself and blob: URLs made from bytes we post), the bundled script and the stylesheet.
import * as crypto from 'crypto';
import * as vscode from 'vscode';

/** Stylesheets of the webviews: one per UI area so areas can be styled without touching each other. */
const STYLES = ['panel.css', 'grid.css', 'similar.css', 'tabs.css', 'preview.css', 'curation.css', 'map.css'];

/** `remoteUri`: an object-store dataset's URI, said while it opens (the first reads can take seconds). */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string, bundle: 'panel' | 'preview' = 'panel', remoteUri?: string): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`));
  const styles = STYLES.map((f) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f)));
  // The toolkit's web components style themselves with constructed stylesheets and inline styles,
  // hence 'unsafe-inline' for styles only; scripts stay nonce-only. Images: blob: for image bytes, data:
  // for the host's thumbnails (a data:image/bmp URL each; see Cell `thumb`).
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} blob: data:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((u) => `<link rel="stylesheet" href="${u}">`).join('\n')}
<title>${escapeHtml(title)}</title>
</head>
<body${remoteUri ? ` data-remote-uri="${escapeHtml(remoteUri)}"` : ''}>
<div id="app" aria-busy="true"><p class="muted">Opening ${escapeHtml(title)}…${remoteUri ? ` Reading from ${escapeHtml(remoteUri)}.` : ''}</p></div>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
