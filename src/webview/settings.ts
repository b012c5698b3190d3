// The user's settings as the webviews use them (lanceInspector.* in VS Code's settings), asked from the
// host once when a view starts. Defaults apply until then and in tests.
import type { UiSettings } from '../shared/types';

export const uiSettings: UiSettings = { pageSize: 50, thumbnailSize: 64, similarK: 10, similarNprobes: 20, similarRefineFactor: 0, queryTimeoutSeconds: 60 };

export function applySettings(s: Partial<UiSettings>): void {
  Object.assign(uiSettings, s);
}
