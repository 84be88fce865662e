// i18n.js: the app's UI strings, Chinese first with English available.
// The chosen language is kept in localStorage; the DOM marks translatable
// text with data-i18n (text) and data-i18n-title (tooltip).

const strings = {
  zh: {
    title: '临海市宗地地图',
    layers: '图层',
    'layer.parcels': '宗地',
    'layer.buildings': '建筑',
    'layer.zones': '改造片区',
    close: '关闭',
    token: '访问令牌',
    'token.use': '使用',
    'field.code': '宗地代码',
    'field.name': '名称',
    'field.status': '状态',
    'field.area': '面积',
    'field.density': '建筑密度',
    'field.plotRatio': '容积率',
    'status.in_use': '在用',
    'status.inefficient': '低效',
    'status.redeveloping': '改造中',
    'status.idle': '闲置',
    'status.other': '其他',
    mu: '亩',
    parcel: '宗地',
    map: '地图',
    'ctl.zoomIn': '放大',
    'ctl.zoomOut': '缩小',
    'ctl.compass': '恢复正北方向',
    'ctl.attrib': '显示或隐藏数据来源',
    loading: '正在加载…',
    'err.auth': '无权查看地图：需要访问令牌（本服务未开放匿名访问）。请输入令牌。',
    'err.forbidden': '当前令牌无权查看地图数据。',
    'err.tokenRejected': '此访问令牌被拒绝（无效或已撤销），请输入其他令牌。',
    'err.tiles': '地图数据加载失败（HTTP {status}），请稍后重试。',
    'err.network': '无法连接地图服务，请检查网络后刷新页面。',
    'err.feature': '宗地详情加载失败：{detail}',
    'err.webgl': '此浏览器无法显示地图（不支持 WebGL）。',
  },
  en: {
    title: 'Linhai land parcels',
    layers: 'Layers',
    'layer.parcels': 'Parcels',
    'layer.buildings': 'Buildings',
    'layer.zones': 'Redevelopment zones',
    close: 'Close',
    token: 'Access token',
    'token.use': 'Use',
    'field.code': 'Parcel code',
    'field.name': 'Name',
    'field.status': 'Status',
    'field.area': 'Area',
    'field.density': 'Building density',
    'field.plotRatio': 'Plot ratio',
    'status.in_use': 'In use',
    'status.inefficient': 'Inefficient',
    'status.redeveloping': 'Redeveloping',
    'status.idle': 'Idle',
    'status.other': 'Other',
    mu: 'mu',
    parcel: 'Parcel',
    map: 'Map',
    'ctl.zoomIn': 'Zoom in',
    'ctl.zoomOut': 'Zoom out',
    'ctl.compass': 'Reset bearing to north',
    'ctl.attrib': 'Toggle attribution',
    loading: 'Loading…',
    'err.auth': 'Not allowed to view the map: an access token is needed (anonymous access is off). Enter a token.',
    'err.forbidden': 'This token may not view the map data.',
    'err.tokenRejected': 'This access token was rejected (unknown or revoked); enter another one.',
    'err.tiles': 'Map data failed to load (HTTP {status}); please try again later.',
    'err.network': 'Cannot reach the map service; check the network and reload the page.',
    'err.feature': 'Could not load the parcel: {detail}',
    'err.webgl': 'This browser cannot show the map (no WebGL).',
  },
};

const key = 'landplan.lang';
let current = strings[localStorage.getItem(key)] ? localStorage.getItem(key) : 'zh';
const listeners = [];

/** lang is the current UI language: "zh" or "en". */
export function lang() {
  return current;
}

/** locale is the BCP 47 tag for number formatting and Accept-Language. */
export function locale() {
  return current === 'zh' ? 'zh-CN' : 'en';
}

/** t returns the string for key in the current language, with {name} filled from vars. */
export function t(k, vars = {}) {
  const s = strings[current][k] ?? strings.zh[k] ?? k;
  return s.replace(/\{(\w+)\}/g, (_, n) => String(vars[n] ?? ''));
}

/** setLang switches the language, updates the DOM and tells the listeners. */
export function setLang(l) {
  if (!strings[l] || l === current) return;
  current = l;
  localStorage.setItem(key, l);
  applyI18n();
  for (const f of listeners) f(l);
}

/** onLangChange calls f after every language switch. */
export function onLangChange(f) {
  listeners.push(f);
}

/** applyI18n writes the current language into the marked DOM nodes. */
export function applyI18n(root = document) {
  document.documentElement.lang = locale();
  document.title = `${t('title')} · landplan`;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const b of root.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === current));
}
