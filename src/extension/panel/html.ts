// The panel's HTML shell: a strict CSP (scripts only with this load's nonce, images only from the
// webview itself, blob: URLs made from bytes we post and the host's data: thumbnails), the bundled
// script and the stylesheets, written into the page itself.
//
// Why inline: in code-server each file a webview links to is fetched through the webview's service
// worker, which asks the workbench, which asks the server: on the true-shape replica the seven
// stylesheets and the bundle arrived 0.3–0.5 s after the document started, and nothing showed before
// them. Written into the HTML they come with the document (the HTML itself is posted to the webview).
// The files are read at each open (~330 KB, under a millisecond), so a rebuilt bundle is never stale.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { FIRST_ANSWERS_ID, type FirstAnswers } from '../../shared/protocol';

/** Stylesheets of the webviews: one per UI area so areas can be styled without touching each other. */
const STYLES = ['panel.css', 'grid.css', 'similar.css', 'tabs.css', 'preview.css', 'curation.css', 'map.css'];

/**
 * `remoteUri`: an object-store dataset's URI, said while it opens (the first reads can take seconds).
 * `first`: the description and settings, and the count and first page when they were ready, so the
 * webview shows its header and first rows without asking (a round trip through code-server took
 * 90–140 ms); it reads them only on its first load (see webview/panel/main.ts).
 */
export function panelHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  title: string,
  bundle: 'panel' | 'preview' = 'panel',
  remoteUri?: string,
  first?: FirstAnswers,
): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const scriptUri = vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`);
  const styleUris = STYLES.map((f) => vscode.Uri.joinPath(extensionUri, 'media', f));
  // The toolkit's web components style themselves with constructed stylesheets and inline styles,
  // hence 'unsafe-inline' for styles only; scripts stay nonce-only. Images: blob: for image bytes, data:
  // for the host's thumbnails (a data:image/jpeg URL each; see Cell `thumb`).
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} blob: data:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const inline = readAll([scriptUri, ...styleUris]);
  // A file that cannot be read here (an extension host without local files) is linked instead.
  const styles = inline
    ? `<style>\n${inline
        .slice(1)
        .map((css) => css.replace(/<\/style/gi, '<\\/style'))
        .join('\n')}\n</style>`
    : styleUris.map((u) => `<link rel="stylesheet" href="${webview.asWebviewUri(u)}">`).join('\n');
  // `</script` cannot occur in the bundle's code outside a string or a regular expression, where `<\/script` means the same.
  const script = inline
    ? `<script type="module" nonce="${nonce}">\n${inline[0].replace(/<\/script/gi, '<\\/script')}\n</script>`
    : `<script type="module" nonce="${nonce}" src="${webview.asWebviewUri(scriptUri)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${escapeHtml(title)}</title>
</head>
<body${remoteUri ? ` data-remote-uri="${escapeHtml(remoteUri)}"` : ''}>
${first ? `<script type="application/json" id="${FIRST_ANSWERS_ID}">${JSON.stringify(first).replace(/</g, '\\u003c')}</script>\n` : ''}<div id="app" aria-busy="true"><p class="muted">Opening ${escapeHtml(title)}…${remoteUri ? ` Reading from ${escapeHtml(remoteUri)}.` : ''}</p></div>
${script}
</body>
</html>`;
}

function readAll(uris: vscode.Uri[]): string[] | undefined {
  try {
    return uris.map((u) => fs.readFileSync(u.fsPath, 'utf8'));
  } catch {
    return undefined;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
