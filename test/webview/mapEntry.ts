// Test entry: mounts just the Map view (window.__map: its API, for where each point is drawn).
import { mapView, type MapViewApi } from '../../src/webview/panel/mapView';
import { mountView } from './mountView';

mountView(mapView, undefined, (view) => ((window as unknown as { __map?: MapViewApi }).__map = view));
