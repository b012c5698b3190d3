// Whether a dataset's URI names an object store (the engine reads it over the network) rather than a
// local folder: the host uses it to pick how to list and read, the webview to say where it reads from.
const OBJECT_STORE = /^(s3|s3\+ddb|gs|az|abfss?|memory):\/\//i;

export function isObjectStoreUri(uri: string): boolean {
  return OBJECT_STORE.test(uri);
}
