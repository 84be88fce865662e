// app.js: landplan's map. A full-screen MapLibre map on the server's own
// style (/api/styles/landplan.json), centred on the data (the parcels
// TileJSON's centre), with a layer switcher, a status legend read from the
// style, a scale bar, a 中文/English switch and a side panel with the
// clicked parcel's attributes. Drawing (terra-draw) comes later.
import * as maplibregl from 'maplibre-gl';
import { authHeaders, sameOrigin, setToken, token } from './auth.js';
import { applyI18n, onLangChange, setLang, t } from './i18n.js';
import { closePanel, showParcel } from './panel.js';

// For the browser test and for debugging from the console.
const timings = (window.landplanTimings = {});
window.landplanShowParcel = showParcel;

// The worker has a content-hashed name, so MapLibre cannot guess it.
maplibregl.setWorkerUrl(import.meta.resolve('maplibre-gl-worker'));

const message = document.getElementById('message');
const messageText = document.getElementById('message-text');
const tokenForm = document.getElementById('token-form');
let messageKey = null; // the shown message, re-rendered on a language switch
let messageVars = {};

function showMessage(key, vars = {}) {
  messageKey = key;
  messageVars = vars;
  message.hidden = false;
  message.dataset.kind = key;
  messageText.textContent = t(key, vars);
  tokenForm.hidden = !['err.auth', 'err.tokenRejected', 'err.forbidden'].includes(key);
}

// clearMessage hides a map error once the map shows that it works again
// (a tile arrived, or the map settled without a new error). The WebGL
// message stays: nothing will fix it on this page.
function clearMessage() {
  if (!messageKey || messageKey === 'err.webgl') return;
  messageKey = null;
  message.hidden = true;
  delete message.dataset.kind;
  tokenForm.hidden = true;
}

onLangChange(() => messageKey && showMessage(messageKey, messageVars));

tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  setToken(document.getElementById('token').value.trim());
  location.reload();
});

for (const b of document.querySelectorAll('[data-lang]')) b.addEventListener('click', () => setLang(b.dataset.lang));

// reportError turns a failed request of ours into a message a person can
// act on: status is the HTTP status, 0 when the request never got an answer
// (the network). Requests to other origins (the style's glyph server) are
// left to the console: without them only Latin label characters are missing.
// It returns whether a message is shown.
function reportError(status, url) {
  if (url && !sameOrigin(url)) return false;
  // A 401 with a token of ours means the server refused that token
  // (unknown or revoked), which is not the same as "enter a token".
  if (status === 401) showMessage(token() ? 'err.tokenRejected' : 'err.auth');
  else if (status === 403) showMessage('err.forbidden');
  else if (status > 0) showMessage('err.tiles', { status });
  else showMessage('err.network');
  return true;
}

async function tileJSONCenter() {
  try {
    const res = await fetch('/api/tiles/parcels.json', { headers: authHeaders() });
    if (!res.ok) {
      reportError(res.status);
      return null;
    }
    const tj = await res.json();
    return Array.isArray(tj.center) && tj.center.length >= 2 ? tj.center : null;
  } catch {
    reportError(0);
    return null;
  }
}

// recentre jumps to the first parcel of the feature API; false when there
// is none or it cannot be read (the error is then shown).
async function recentre(map) {
  try {
    const res = await fetch('/api/collections/parcels/items?limit=1', {
      headers: { Accept: 'application/geo+json', ...authHeaders() },
    });
    if (!res.ok) {
      reportError(res.status);
      return false;
    }
    const f = (await res.json()).features?.[0];
    if (!f?.geometry) return false;
    const b = new maplibregl.LngLatBounds();
    const walk = (c) => (typeof c[0] === 'number' ? b.extend(c) : c.forEach(walk));
    walk(f.geometry.coordinates);
    map.jumpTo({ center: b.getCenter(), zoom: Math.max(map.getZoom(), 15) });
    return true;
  } catch {
    reportError(0);
    return false;
  }
}

// localiseControls puts MapLibre's button tooltips and the canvas's label
// into the UI language (MapLibre takes a locale only when the map is made).
function localiseControls(map) {
  map.getCanvas().setAttribute('aria-label', t('map'));
  const buttons = {
    '.maplibregl-ctrl-zoom-in': 'ctl.zoomIn',
    '.maplibregl-ctrl-zoom-out': 'ctl.zoomOut',
    '.maplibregl-ctrl-compass': 'ctl.compass',
    '.maplibregl-ctrl-attrib-button': 'ctl.attrib',
  };
  for (const [sel, key] of Object.entries(buttons)) {
    for (const b of document.querySelectorAll(sel)) {
      b.title = t(key);
      b.setAttribute('aria-label', t(key));
    }
  }
}

// The switcher's layers are the style's sources: every style layer drawn
// from a source is shown or hidden with it.
function wireLayerSwitcher(map) {
  for (const box of document.querySelectorAll('[data-layer]')) {
    box.addEventListener('change', () => {
      for (const l of map.getStyle().layers) {
        if (l.source === box.dataset.layer) map.setLayoutProperty(l.id, 'visibility', box.checked ? 'visible' : 'none');
      }
    });
  }
}

// The legend is read from the style's parcel fill (a match on status), so
// it cannot drift from the colours on the map.
function renderLegend(map) {
  const legend = document.getElementById('legend');
  const fill = map.getPaintProperty('parcels-fill', 'fill-color');
  legend.replaceChildren();
  if (!Array.isArray(fill) || fill[0] !== 'match') return;
  for (let i = 2; i + 1 < fill.length; i += 2) {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = fill[i + 1];
    li.append(sw, t(`status.${fill[i]}`));
    legend.append(li);
  }
}

async function start() {
  applyI18n();
  const center = await tileJSONCenter();
  let map;
  try {
    map = new maplibregl.Map({
      container: 'map',
      style: '/api/styles/landplan.json',
      ...(center && { center: [center[0], center[1]], zoom: center[2] ?? 14 }),
      transformRequest: (url) => (token() && sameOrigin(url) ? { url, headers: authHeaders() } : { url }),
      attributionControl: { compact: true },
      maxZoom: 20,
    });
  } catch (err) {
    showMessage('err.webgl');
    console.error(err);
    return;
  }
  window.landplanMap = map;
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  localiseControls(map);
  onLangChange(() => localiseControls(map));

  // Failed requests carry an HTTP status (AJAXError; 0 when fetch itself
  // failed, i.e. the network): those get a message. Anything else (a bad
  // expression, an image that did not decode…) is for the console only.
  let failedSinceIdle = false;
  map.on('error', (e) => {
    console.warn('map error', e.error?.status ?? '', e.error?.url ?? '', e.error?.message ?? e);
    if (typeof e.error?.status === 'number' && reportError(e.error.status, e.error.url)) failedSinceIdle = true;
  });
  // A tile that loaded, or an idle map with no failure since the last one,
  // means the map works again: an earlier message would only mislead.
  map.on('sourcedata', (e) => {
    if (e.tile && e.tile.state === 'loaded') clearMessage();
  });
  map.on('idle', () => {
    if (!failedSinceIdle) clearMessage();
    failedSinceIdle = false;
  });

  map.once('style.load', () => {
    // The selected parcel's outline, drawn above everything.
    map.addLayer({
      id: 'parcel-selected',
      type: 'line',
      source: 'parcels',
      'source-layer': 'parcels',
      filter: ['==', ['id'], -1],
      paint: { 'line-color': '#d7263d', 'line-width': 3 },
    });
    wireLayerSwitcher(map);
    renderLegend(map);
    onLangChange(() => renderLegend(map));
  });
  // The TileJSON centre is the centre of the data's extent, which can fall
  // between clusters (the demo's two industrial areas): when the first view
  // shows no parcel, move to the first parcel the feature API lists.
  map.once('idle', async () => {
    timings.firstView = performance.now();
    if (!map.queryRenderedFeatures({ layers: ['parcels-fill'] }).length && (await recentre(map))) {
      timings.recentred = true;
      await map.once('idle');
    }
    timings.firstIdle = performance.now();
    document.body.dataset.map = 'idle';
  });

  map.on('click', 'parcels-fill', (e) => {
    const f = e.features?.[0];
    const id = f?.id ?? f?.properties?.id;
    if (id == null) return;
    map.setFilter('parcel-selected', ['==', ['id'], id]);
    showParcel(id);
  });
  document.getElementById('panel').addEventListener('parcel-closed', () => map.setFilter('parcel-selected', ['==', ['id'], -1]));
  map.on('mouseenter', 'parcels-fill', () => (map.getCanvas().style.cursor = 'pointer'));
  map.on('mouseleave', 'parcels-fill', () => (map.getCanvas().style.cursor = ''));
  map.on('click', (e) => {
    if (!map.queryRenderedFeatures(e.point, { layers: ['parcels-fill'] }).length) {
      closePanel();
    }
  });
}

start();
