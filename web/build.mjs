// build.mjs writes dist/: every asset under a content-hashed name in
// dist/assets/ (served with a year-long, immutable cache) and dist/index.html
// (served no-cache), whose import map sends each module specifier to its
// hashed file. No bundler: the sources are plain ES modules and MapLibre
// ships a minified ES module build, so copying and naming is all there is.
// Node's standard library only.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const src = join(here, 'src');
const dist = join(here, 'dist');
const mlDir = join(here, 'node_modules', 'maplibre-gl', 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'assets'), { recursive: true });

// The source maps are not shipped (5 MB each), so their references go too.
const noMap = (s) => s.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');

// emit writes text under a name with the first 10 hex digits of its SHA-256
// and returns the URL path.
function emit(name, text) {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 10);
  const dot = name.indexOf('.');
  const hashed = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  writeFileSync(join(dist, 'assets', hashed), text);
  return `/assets/${hashed}`;
}

const imports = {
  'maplibre-gl': emit('maplibre-gl.mjs', noMap(readFileSync(join(mlDir, 'maplibre-gl.mjs'), 'utf8'))),
  // Resolved by app.js with import.meta.resolve and given to setWorkerUrl.
  'maplibre-gl-worker': emit('maplibre-gl-worker.mjs', noMap(readFileSync(join(mlDir, 'maplibre-gl-worker.mjs'), 'utf8'))),
};
const mlCSS = emit('maplibre-gl.css', noMap(readFileSync(join(mlDir, 'maplibre-gl.css'), 'utf8')));

// Our modules import each other relatively ("./i18n.js"); the import map
// keys are those resolved URLs, so the sources run unchanged.
let entry = '';
for (const f of readdirSync(src).filter((f) => f.endsWith('.js')).sort()) {
  const url = emit(f, readFileSync(join(src, f), 'utf8'));
  imports[`/assets/${f}`] = url;
  if (f === 'app.js') entry = url;
}
if (!entry) throw new Error('src/app.js is missing');
const appCSS = emit('app.css', readFileSync(join(src, 'app.css'), 'utf8'));

const html = readFileSync(join(src, 'index.html'), 'utf8')
  .replace('{{IMPORTMAP}}', JSON.stringify({ imports }, null, 2))
  .replace('{{MAPLIBRE_CSS}}', mlCSS)
  .replace('{{APP_CSS}}', appCSS)
  .replace('{{APP_JS}}', entry);
if (html.includes('{{')) throw new Error('index.html has a placeholder build.mjs does not fill');
writeFileSync(join(dist, 'index.html'), html);

const version = JSON.parse(readFileSync(join(here, 'node_modules', 'maplibre-gl', 'package.json'), 'utf8')).version;

// manifest.json records what dist/ was built from: the SHA-256 of every
// file in src/ (index.html included, whose hash no asset name carries) and
// of build.mjs, and MapLibre's version. TestDistIsBuiltFromSources compares
// it with the sources. It sits beside index.html and is not served.
const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');
const sources = Object.fromEntries(readdirSync(src).sort().map((f) => [`src/${f}`, sha(join(src, f))]));
sources['build.mjs'] = sha(join(here, 'build.mjs'));
writeFileSync(join(dist, 'manifest.json'), JSON.stringify({ maplibre: version, sources }, null, 2) + '\n');
console.log(`dist/ built with maplibre-gl ${version}: ${readdirSync(join(dist, 'assets')).length} assets`);
