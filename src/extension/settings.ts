// Typed access to the extension's settings (contributes.configuration in package.json).
import * as vscode from 'vscode';

import type { UiSettings } from '../shared/types';

export interface Settings {
  ui: UiSettings;
  maxInlineImageBytes: number;
  queryTimeoutSeconds: number;
  /** retainContextWhenHidden for dataset panels. */
  keepPanelsLoaded: boolean;
  /** The embedding map's largest number of points (a seeded sample beyond). */
  mapMaxPoints: number;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('lanceInspector');
  const num = (key: string, dflt: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(c.get<number>(key, dflt))));
  const queryTimeoutSeconds = Math.max(1, c.get<number>('queryTimeoutSeconds', 60));
  return {
    ui: {
      pageSize: num('pageSize', 50, 10, 500),
      thumbnailSize: num('thumbnailSize', 64, 24, 256),
      similarK: num('similar.k', 10, 1, 1000),
      similarNprobes: num('similar.nprobes', 20, 1, 1000),
      similarRefineFactor: num('similar.refineFactor', 0, 0, 100),
      queryTimeoutSeconds,
    },
    maxInlineImageBytes: Math.max(0, c.get<number>('maxInlineImageKB', 4096)) * 1024,
    queryTimeoutSeconds,
    keepPanelsLoaded: c.get<boolean>('keepPanelsLoaded', true),
    mapMaxPoints: num('map.maxPoints', 100_000, 1000, 2_000_000),
  };
}
