// browser.mjs drives the map app in Debian's headless chromium through
// puppeteer-core and prints what it saw as one JSON line; web's
// TestBrowser starts the servers and judges the result against the store.
//
// Environment: LANDPLAN_URL (anonymous viewer server), LANDPLAN_URL_NOANON
// (no anonymous access), LANDPLAN_TOOLS (the tools/ directory with
// node_modules), LANDPLAN_SCREENSHOT (PNG path), CHROMIUM (executable).
// No host name resolves in that browser (the style's glyph server
// included), so the test never leaves the machine.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const require = createRequire(join(env('LANDPLAN_TOOLS'), 'package.json'));
const puppeteer = require('puppeteer-core');

const base = env('LANDPLAN_URL');
const result = { console: [], blocked: [], foreign: [] };

const browser = await puppeteer.launch({
  executablePath: env('CHROMIUM'),
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
    '--disable-background-networking',
    // No name resolves, so nothing leaves the machine (the style's glyph
    // server included; MapLibre then draws those glyphs from local fonts).
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
});
// Whatever happens, the browser this script started goes away with it.
const timer = setTimeout(() => {
  console.error('browser.mjs: timed out after 150 s');
  browser.process()?.kill('SIGKILL');
  process.exit(3);
}, 150_000);

// openPage opens a tab; with watchForeign its requests to other origins
// are listed with whether they carried an Authorization header.
async function openPage(watchForeign = false) {
  const page = await browser.newPage();
  if (watchForeign) {
    page.on('request', (req) => {
      if (new URL(req.url()).hostname !== '127.0.0.1') {
        result.foreign.push({ url: req.url(), auth: Object.keys(req.headers()).some((h) => h.toLowerCase() === 'authorization') });
      }
    });
  }
  await page.setViewport({ width: 1280, height: 800 });
  // Only watched, not intercepted: puppeteer's request interception
  // stalled MapLibre's worker (tile) requests in one run out of two here.
  page.on('requestfailed', (req) => {
    const u = new URL(req.url());
    if (u.hostname !== '127.0.0.1') result.blocked.push(u.origin);
  });
  page.on('console', (m) => result.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => result.console.push(`pageerror: ${e.message}`));
  return page;
}

try {
  const page = await openPage();
  const t0 = Date.now();
  await page.goto(base + '/', { waitUntil: 'domcontentloaded' });
  // Polled on a timer: waiting on DOM mutations (waitForSelector) never saw
  // MapLibre go idle in headless chromium here, a timer does within seconds.
  await page.waitForFunction(() => document.body.dataset.map === 'idle', { timeout: 90_000, polling: 250 });
  result.wallToIdleMs = Date.now() - t0;
  // performance.now() at the first idle event counts from navigation start.
  result.loadToIdleMs = await page.evaluate(() => Math.round(window.landplanTimings.firstIdle));
  result.firstViewMs = await page.evaluate(() => Math.round(window.landplanTimings.firstView));

  result.view = await page.evaluate(() => {
    const m = window.landplanMap;
    const c = m.getCenter();
    return { center: [c.lng, c.lat], zoom: m.getZoom(), bounds: m.getBounds().toArray().flat() };
  });
  result.rendered = await page.evaluate(() => {
    const m = window.landplanMap;
    const ids = (layer) => [...new Set(m.queryRenderedFeatures({ layers: [layer] }).map((f) => f.id))].sort((a, b) => a - b);
    return { parcels: ids('parcels-fill'), buildings: ids('buildings-fill').length, zones: ids('zones-outline').length };
  });
  result.scale = await page.$eval('.maplibregl-ctrl-scale', (e) => e.textContent);
  result.legendZh = await page.$$eval('#legend li', (ls) => ls.map((l) => l.textContent));
  result.zoomInTitleZh = await page.$eval('.maplibregl-ctrl-zoom-in', (e) => e.title);
  result.canvasLabelZh = await page.$eval('.maplibregl-canvas', (e) => e.getAttribute('aria-label'));

  // Hide buildings so a click lands on a parcel's open ground, then find
  // a pixel near the centre whose topmost parcel is plain to see.
  await page.click('input[data-layer="buildings"]');
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const m = window.landplanMap;
        m.once('idle', resolve);
        m.triggerRepaint();
      }),
  );
  result.buildingsAfterHide = await page.evaluate(
    () => window.landplanMap.queryRenderedFeatures({ layers: ['buildings-fill'] }).length,
  );
  // findParcel returns a pixel within 300 px of the centre over exactly one
  // parcel whose id is not skip.
  const findParcel = (skip) =>
    page.evaluate((skip) => {
      const m = window.landplanMap;
      const { width, height } = m.getCanvas().getBoundingClientRect();
      for (let r = 0; r < 300; r += 10) {
        for (let a = 0; a < 360; a += 30) {
          const x = width / 2 + r * Math.cos((a * Math.PI) / 180);
          const y = height / 2 + r * Math.sin((a * Math.PI) / 180);
          const fs = m.queryRenderedFeatures([x, y], { layers: ['parcels-fill'] });
          if (fs.length === 1 && fs[0].id !== skip) return { x, y, id: fs[0].id, code: fs[0].properties.code };
        }
      }
      return null;
    }, skip);
  const target = await findParcel(null);
  if (!target) throw new Error('no parcel under any pixel near the centre');
  result.clicked = target;
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => document.getElementById('panel').dataset.state === 'ready', { timeout: 20_000, polling: 100 });
  const panel = async () =>
    page.evaluate(() => ({
      id: document.getElementById('panel').dataset.parcelId,
      title: document.getElementById('panel-title').textContent,
      labels: [...document.querySelectorAll('#panel dt')].map((e) => e.textContent),
      fields: Object.fromEntries([...document.querySelectorAll('#panel dd')].map((e) => [e.dataset.field, e.textContent])),
    }));
  result.panelZh = await panel();
  result.selectedFilter = await page.evaluate(() => window.landplanMap.getFilter('parcel-selected'));

  await page.click('button[data-lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en', { polling: 100 });
  result.panelEn = await panel();
  result.layersTitleEn = await page.$eval('#layers-title', (e) => e.textContent);
  result.zoomInTitleEn = await page.$eval('.maplibregl-ctrl-zoom-in', (e) => e.title);
  result.canvasLabelEn = await page.$eval('.maplibregl-canvas', (e) => e.getAttribute('aria-label'));
  // A second parcel replaces the first in the panel.
  const second = await findParcel(target.id);
  if (!second) throw new Error('no second parcel near the centre');
  result.clicked2 = second;
  await page.mouse.click(second.x, second.y);
  await page.waitForFunction(
    (id) => {
      const p = document.getElementById('panel');
      return p.dataset.parcelId === String(id) && p.dataset.state === 'ready';
    },
    { timeout: 20_000, polling: 100 },
    second.id,
  );
  result.panel2 = await panel();
  result.legendEn = await page.$$eval('#legend li', (ls) => ls.map((l) => l.textContent));
  await page.screenshot({ path: env('LANDPLAN_SCREENSHOT') });
  await page.click('button[data-lang="zh"]');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN', { polling: 100 });

  // A parcel that does not exist: the panel's error, in Chinese, then
  // (asked again) in English.
  const panelText = () => page.$eval('#panel', (e) => e.textContent.trim());
  const panelState = (s) =>
    page.waitForFunction((s) => document.getElementById('panel').dataset.state === s, { timeout: 20_000, polling: 100 }, s);
  await page.evaluate(() => window.landplanShowParcel(987654321));
  await panelState('error');
  result.missingZh = await panelText();
  await page.click('button[data-lang="en"]');
  await panelState('error');
  result.missingEn = await panelText();
  result.missingStateEn = await page.$eval('#panel', (e) => e.dataset.state);

  // Tiles failing (503 from the test server) show a message; once tiles
  // load again it goes. Each move goes to ground with no tiles cached yet.
  const moveAway = () =>
    page.evaluate(() => {
      const m = window.landplanMap;
      const b = m.getBounds();
      m.jumpTo({ center: [m.getCenter().lng + 3 * (b.getEast() - b.getWest()), m.getCenter().lat] });
    });
  const failTiles = async (mode) => {
    await page.evaluate((mode) => fetch(`/__test/fail-tiles?on=${mode}`), mode);
    await moveAway();
    await page.waitForFunction(() => !document.getElementById('message').hidden, { timeout: 20_000, polling: 100 });
    const seen = await page.evaluate(() => ({
      kind: document.getElementById('message').dataset.kind,
      text: document.getElementById('message-text').textContent,
    }));
    await page.evaluate(() => fetch('/__test/fail-tiles?on='));
    await moveAway();
    seen.cleared = await page
      .waitForFunction(() => document.getElementById('message').hidden, { timeout: 20_000, polling: 100 })
      .then(() => true, () => false);
    return seen;
  };
  // A map error that is no failed request (MapLibre's style validation)
  // goes to the console only.
  result.styleErrorMessage = await page.evaluate(async () => {
    window.landplanMap.setPaintProperty('parcels-fill', 'fill-opacity', 'not a number');
    await new Promise((r) => setTimeout(r, 300));
    const m = document.getElementById('message');
    return m.hidden ? '' : m.dataset.kind;
  });
  result.tileFailure = await failTiles('503');
  result.networkFailure = await failTiles('drop');
  await page.close();

  // A server without anonymous access: the app must say a token is needed.
  const page2 = await openPage(true);
  await page2.goto(env('LANDPLAN_URL_NOANON') + '/', { waitUntil: 'domcontentloaded' });
  await page2.waitForFunction(() => !document.getElementById('message').hidden, { timeout: 30_000, polling: 100 });
  result.noAnon = await page2.evaluate(() => ({
    kind: document.getElementById('message').dataset.kind,
    text: document.getElementById('message-text').textContent,
    tokenForm: !document.getElementById('token-form').hidden,
  }));
  // A wrong token: the page says it was rejected, with the field again.
  await page2.type('#token', 'not-a-token');
  await Promise.all([page2.waitForNavigation({ waitUntil: 'domcontentloaded' }), page2.click('#token-form button[type="submit"]')]);
  await page2.waitForFunction(() => !document.getElementById('message').hidden, { timeout: 30_000, polling: 100 });
  result.wrongToken = await page2.evaluate(() => ({
    kind: document.getElementById('message').dataset.kind,
    text: document.getElementById('message-text').textContent,
    tokenForm: !document.getElementById('token-form').hidden,
  }));
  // With a valid token the page reloads and the map draws the parcels.
  await page2.$eval('#token', (e) => (e.value = ''));
  await page2.type('#token', env('LANDPLAN_TOKEN'));
  await Promise.all([page2.waitForNavigation({ waitUntil: 'domcontentloaded' }), page2.click('#token-form button[type="submit"]')]);
  await page2.waitForFunction(() => document.body.dataset.map === 'idle', { timeout: 30_000, polling: 250 });
  result.withToken = await page2.evaluate(() => ({
    parcels: new Set(window.landplanMap.queryRenderedFeatures({ layers: ['parcels-fill'] }).map((f) => f.id)).size,
    messageHidden: document.getElementById('message').hidden,
  }));
  await page2.close();
} catch (err) {
  result.error = String(err?.stack ?? err);
  // What the page was doing, for the failure message.
  for (const p of await browser.pages()) {
    result.diag = await p
      .evaluate(async () => {
        const m = window.landplanMap;
        const raf = await Promise.race([
          new Promise((r) => requestAnimationFrame(() => r('raf ran'))),
          new Promise((r) => setTimeout(() => r('raf stalled 2 s'), 2000)),
        ]);
        return {
          raf,
          visibility: document.visibilityState,
          timings: window.landplanTimings,
          map: m && { loaded: m.loaded(), style: m.isStyleLoaded(), tiles: m.areTilesLoaded(), moving: m.isMoving(), zoom: m.getZoom() },
        };
      })
      .catch((e) => String(e));
  }
} finally {
  clearTimeout(timer);
  await browser.close();
}
result.blocked = [...new Set(result.blocked)];
console.log(JSON.stringify(result));
process.exit(result.error ? 1 : 0);
