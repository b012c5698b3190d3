// Imported first by each webview's entry, so its mark is the moment the bundle began to run (after it
// was fetched and parsed, before its modules were evaluated): see marks.ts.
import { mark } from './marks';

mark('bundle-start');
