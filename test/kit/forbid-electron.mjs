// Loaded with `node --import`: makes any attempt to load `electron` (ESM import or require) fail loudly.
import { register } from 'node:module';
import Module from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  if (specifier === 'electron' || specifier.startsWith('electron/')) {
    throw new Error('FORBIDDEN: electron loaded from ' + context.parentURL);
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'electron' || request.startsWith('electron/')) {
    throw new Error(`FORBIDDEN: electron required from ${parent?.filename}`);
  }
  return originalLoad.call(this, request, parent, isMain);
};
