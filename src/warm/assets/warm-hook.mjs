// devtui --warm (see docs/warm.md): `node --import <this file> <the app's command>` for an app that
// node runs as an ES module. Node's ES module loader is up once this runs, so after "go" only the
// app's own modules are left to load. The waiting itself is warm-hook.cjs's.
import {createRequire} from 'node:module';

createRequire(import.meta.url)('./warm-hook.cjs');
