// panel.js: the side panel with one parcel's attributes, loaded in full
// from the feature API (the tile carries rounded values; the panel shows
// the stored ones, rounded only for display).
import { authHeaders } from './auth.js';
import { locale, onLangChange, t } from './i18n.js';

const panel = document.getElementById('panel');
const title = document.getElementById('panel-title');
const fields = document.getElementById('panel-fields');
const note = document.getElementById('panel-note');

let shown = null; // the feature on display, re-rendered on a language switch
let pending = null; // {id, errorKey, detail} while loading or after a failure
let request = 0; // the latest click wins when responses overtake each other

document.getElementById('panel-close').addEventListener('click', closePanel);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') closePanel();
});
// On a language switch a shown feature is re-rendered; a panel still
// loading, or showing a failure, is asked for again, since the server's
// error detail comes in the language of the request (Accept-Language).
onLangChange(() => {
  if (shown) render(shown);
  else if (pending) showParcel(pending.id);
});

/** closePanel hides the panel and forgets the parcel. */
export function closePanel() {
  request++;
  shown = null;
  pending = null;
  panel.hidden = true;
  delete panel.dataset.parcelId;
  panel.dispatchEvent(new CustomEvent('parcel-closed'));
}

/** showParcel opens the panel for parcel id and loads its feature. */
export async function showParcel(id) {
  const mine = ++request;
  shown = null;
  pending = { id, errorKey: null, detail: '' };
  panel.hidden = false;
  panel.dataset.parcelId = String(id);
  renderPending();
  try {
    const res = await fetch(`/api/collections/parcels/items/${encodeURIComponent(id)}`, {
      headers: { Accept: 'application/geo+json', 'Accept-Language': locale(), ...authHeaders() },
    });
    const body = await res.json().catch(() => ({}));
    if (mine !== request) return;
    if (!res.ok) throw new Error(body.detail || body.title || `HTTP ${res.status}`);
    pending = null;
    shown = body;
    render(body);
  } catch (err) {
    if (mine !== request) return;
    pending = { id, errorKey: 'err.feature', detail: err.message };
    renderPending();
  }
}

// renderPending shows the panel's loading or error state in the current
// language.
function renderPending() {
  const { id, errorKey, detail } = pending;
  panel.dataset.state = errorKey ? 'error' : 'loading';
  title.textContent = `${t('parcel')} ${id}`;
  fields.replaceChildren();
  note.textContent = errorKey ? t(errorKey, { detail }) : t('loading');
}

function number(v, digits) {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

function render(f) {
  const p = f.properties ?? {};
  const status = ['in_use', 'inefficient', 'redeveloping', 'idle'].includes(p.status) ? p.status : 'other';
  const open = locale() === 'zh-CN' ? '（' : ' (';
  const close = locale() === 'zh-CN' ? '）' : ')';
  const rows = [
    ['code', p.code || '—'],
    ['name', p.name || '—'],
    ['status', t(`status.${status}`)],
    ['area', isNum(p.area_m2) ? `${number(p.area_m2, 2)} m²${open}${number(p.area_mu, 3)} ${t('mu')}${close}` : '—'],
    ['density', isNum(p.building_density) ? `${number(p.building_density * 100, 2)}%` : '—'],
    ['plotRatio', isNum(p.plot_ratio) ? number(p.plot_ratio, 2) : '—'],
  ];
  title.textContent = p.name || `${t('parcel')} ${f.id}`;
  fields.replaceChildren(
    ...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = t(`field.${k}`);
      const dd = document.createElement('dd');
      dd.dataset.field = k;
      dd.textContent = v;
      return [dt, dd];
    }),
  );
  note.textContent = '';
  panel.dataset.state = 'ready';
}
