// @ts-check
// Every string the map shows, in Vietnamese (the default) and English.
// Elements carry data-i18n="key" (text), data-i18n-placeholder or data-i18n-title;
// code calls t('key', {var}) and listens with onLangChange.

/** @typedef {Record<string, string>} Dictionary key → text, with {name} placeholders */
/** @type {Record<string, Dictionary>} */
const STRINGS = {
  vi: {
    'app.title': 'camnet — Camera an ninh Long An',
    'app.subtitle': 'Bản đồ mạng camera an ninh',
    'login.title': 'Đăng nhập',
    'login.hint': 'Nhập mã truy cập (token) do quản trị viên cấp.',
    'login.token': 'Mã truy cập',
    'login.submit': 'Đăng nhập',
    'login.bad': 'Mã truy cập không hợp lệ hoặc đã bị thu hồi.',
    'login.failed': 'Không kết nối được máy chủ: {message}',
    'header.logout': 'Đăng xuất',
    'header.lang': 'English',
    'header.user': '{name} ({role})',
    'role.admin': 'quản trị',
    'role.technician': 'kỹ thuật viên',
    'role.police': 'công an',
    'role.planner': 'kế hoạch',
    'mode.view': 'Bản đồ',
    'mode.incident': 'Tra cứu sự cố',
    'mode.planner': 'Quy hoạch',
    'live.on': 'Trực tiếp',
    'live.off': 'Mất kết nối trực tiếp',
    loading: 'Đang tải dữ liệu…',
    'load.partial': 'Một số lớp không tải được: {names}',
    'summary.title': 'Tổng quan tỉnh',
    'summary.communes': 'Xã có trạm / tổng số xã',
    'summary.stations': 'Trạm camera',
    'summary.stationCameras': 'Camera của trạm',
    'summary.citizen': 'Camera người dân',
    'summary.business': 'Camera cơ quan, doanh nghiệp',
    'summary.household': 'Hộ gia đình quay camera ra đường',
    'summary.total': 'Tổng số camera',
    'summary.roadSigns': 'Biển báo tuyến có camera',
    'summary.funding': 'Kinh phí xã hội hóa',
    'summary.status': 'Trạng thái camera (trực tiếp)',
    'summary.alerts': 'Cảnh báo mới',
    'filters.title': 'Bộ lọc',
    'filters.district': 'Huyện',
    'filters.commune': 'Xã',
    'filters.all': 'Tất cả',
    'filters.status': 'Trạng thái',
    'filters.ownership': 'Sở hữu',
    'filters.shown': 'Đang hiển thị {n} camera',
    'status.online': 'Trực tuyến',
    'status.offline': 'Mất kết nối',
    'status.degraded': 'Suy giảm',
    'status.maintenance': 'Bảo trì',
    'status.unknown': 'Chưa rõ',
    'ownership.station': 'Trạm',
    'ownership.citizen': 'Người dân',
    'ownership.business': 'Cơ quan, doanh nghiệp',
    'ownership.household': 'Hộ gia đình',
    'layer.districts': 'Ranh giới huyện (2019)',
    'layer.communes2025': 'Xã, phường (từ 7/2025)',
    'layer.communes2019': 'Xã (2019, điểm)',
    'layer.routes': 'Tuyến đường chính',
    'layer.gaps': 'Đoạn chưa có camera',
    'layer.stations': 'Trạm camera',
    'layer.stationCameras': 'Camera của trạm',
    'layer.roadSigns': 'Biển báo',
    'layer.privateCameras': 'Camera tư nhân đăng ký',
    'layer.tiles': 'Nền bản đồ',
    'legend.title': 'Chú giải',
    'legend.hasStations': 'Vùng có trạm camera',
    'legend.noStations': 'Vùng chưa có trạm',
    'legend.covered': 'Tuyến đã có camera',
    'legend.gap': 'Đoạn trống',
    'legend.cameras': 'Camera',
    'legend.down': 'Camera hỏng: lớn hơn, viền đậm, vẽ trên cùng',
    'legend.places': 'Địa giới',
    'legend.communeWith': 'Xã có trạm (điểm)',
    'legend.communeWithout': 'Xã chưa có trạm (điểm)',
    'legend.routes': 'Tuyến đường',
    'legend.stationsTitle': 'Trạm',
    'legend.stationDown': 'Trạm có camera hỏng (thu nhỏ bản đồ)',
    'legend.planning': 'Quy hoạch',
    'legend.proposal': 'Trạm đề xuất',
    'legend.proposalView': 'Vùng nhìn của camera đề xuất',
    'legend.incident': 'Tra cứu sự cố',
    'legend.incidentPoint': 'Nơi xảy ra sự cố',
    'legend.incidentRecorded': 'Nhìn thấy, có thể đã ghi hình',
    'legend.incidentUnknown': 'Nhìn thấy, chưa rõ có ghi hình',
    'legend.incidentNotRecorded': 'Nhìn thấy, không ghi hình',
    'legend.incidentNotSeen': 'Không nhìn thấy nơi này',
    'details.title': 'Thông tin camera',
    'details.hint': 'Bấm vào một camera trên bản đồ.',
    'details.code': 'Mã',
    'details.ownership': 'Sở hữu',
    'details.station': 'Trạm',
    'details.commune': 'Xã',
    'details.status': 'Trạng thái',
    'details.since': 'Từ lúc',
    'details.lastCheck': 'Kiểm tra lần cuối',
    'details.lastOk': 'Hoạt động tốt lần cuối',
    'details.lastError': 'Lỗi gần nhất',
    'details.device': 'Thiết bị',
    'details.heading': 'Hướng',
    'details.headingValue': '{heading}° (đăng ký {registered}°), góc nhìn {fov}°, tầm {range} m',
    'details.clock': 'Lệch đồng hồ',
    'details.uptime': 'Thời gian hoạt động',
    'details.uptime24h': '24 giờ',
    'details.uptime7d': '7 ngày',
    'details.uptime30d': '30 ngày',
    'details.none': '—',
    'details.unavailable': 'Không lấy được trạng thái: {message}',
    'details.owner': 'Chủ sở hữu',
    'station.popup': 'Trạm {code}: {name}',
    'station.route': 'Tuyến',
    'station.cameras': '{n} camera',
    'incident.title': 'Tra cứu camera theo sự cố',
    'incident.hint': 'Bấm lên bản đồ để chọn nơi xảy ra sự cố.',
    'incident.point': 'Vị trí: {lat}, {lon}',
    'incident.noPoint': 'Chưa chọn vị trí',
    'incident.at': 'Thời điểm',
    'incident.radius': 'Bán kính (m)',
    'incident.caseRef': 'Số hồ sơ vụ việc',
    'incident.search': 'Tìm camera',
    'incident.results': '{n} camera trong bán kính, {seeing} camera nhìn thấy điểm này',
    'incident.col.code': 'Camera',
    'incident.col.distance': 'Khoảng cách',
    'incident.col.sees': 'Thấy điểm',
    'incident.col.status': 'Trạng thái lúc đó',
    'incident.col.owner': 'Liên hệ',
    'incident.yes': 'Có',
    'incident.no': 'Không',
    'incident.needPoint': 'Hãy bấm chọn một vị trí trên bản đồ trước.',
    'planner.title': 'Độ phủ camera trên tuyến',
    'planner.col.route': 'Tuyến',
    'planner.col.length': 'Dài (km)',
    'planner.col.installed': 'Lắp đặt',
    'planner.col.effective': 'Đang hoạt động',
    'planner.col.gaps': 'Đoạn trống',
    'planner.gaps': 'Đoạn trống dài nhất',
    'planner.gapRow': '{ref}: km {from}–{to} ({length} km)',
    'planner.budget': 'Ngân sách (đồng)',
    'planner.propose': 'Đề xuất trạm mới',
    'planner.result': '{n} trạm, chi phí {cost}; độ phủ {before}% → {after}%',
    'planner.proposed': 'Trạm đề xuất trên tuyến {ref}: tăng {gain} m phủ, {cost}',
    'planner.unavailable': 'Không lấy được số liệu độ phủ: {message}',
    'error.forbidden': 'Vai trò của bạn không được xem mục này.',
    'error.generic': 'Lỗi: {message}',
    'unit.vnd': '{n} đồng',
  },
  en: {
    'app.title': 'camnet — Long An security cameras',
    'app.subtitle': 'Security camera network map',
    'login.title': 'Sign in',
    'login.hint': 'Enter the access token an administrator gave you.',
    'login.token': 'Access token',
    'login.submit': 'Sign in',
    'login.bad': 'The token is not valid or has been revoked.',
    'login.failed': 'Cannot reach the server: {message}',
    'header.logout': 'Sign out',
    'header.lang': 'Tiếng Việt',
    'header.user': '{name} ({role})',
    'role.admin': 'administrator',
    'role.technician': 'technician',
    'role.police': 'police',
    'role.planner': 'planner',
    'mode.view': 'Map',
    'mode.incident': 'Incident search',
    'mode.planner': 'Planning',
    'live.on': 'Live',
    'live.off': 'Live updates disconnected',
    loading: 'Loading data…',
    'load.partial': 'Some layers could not be loaded: {names}',
    'summary.title': 'Province summary',
    'summary.communes': 'Communes with stations / all communes',
    'summary.stations': 'Camera stations',
    'summary.stationCameras': 'Station cameras',
    'summary.citizen': 'Citizens\u2019 cameras',
    'summary.business': 'Agencies\u2019 and businesses\u2019 cameras',
    'summary.household': 'Households facing the street',
    'summary.total': 'All cameras',
    'summary.roadSigns': 'Road signs for camera routes',
    'summary.funding': 'Socialized funding',
    'summary.status': 'Camera status (live)',
    'summary.alerts': 'Recent alerts',
    'filters.title': 'Filters',
    'filters.district': 'District',
    'filters.commune': 'Commune',
    'filters.all': 'All',
    'filters.status': 'Status',
    'filters.ownership': 'Ownership',
    'filters.shown': '{n} cameras shown',
    'status.online': 'Online',
    'status.offline': 'Offline',
    'status.degraded': 'Degraded',
    'status.maintenance': 'Maintenance',
    'status.unknown': 'Unknown',
    'ownership.station': 'Station',
    'ownership.citizen': 'Citizen',
    'ownership.business': 'Agency or business',
    'ownership.household': 'Household',
    'layer.districts': 'District boundaries (2019)',
    'layer.communes2025': 'Communes (from July 2025)',
    'layer.communes2019': 'Communes (2019, points)',
    'layer.routes': 'Main routes',
    'layer.gaps': 'Stretches without cameras',
    'layer.stations': 'Camera stations',
    'layer.stationCameras': 'Station cameras',
    'layer.roadSigns': 'Road signs',
    'layer.privateCameras': 'Registered private cameras',
    'layer.tiles': 'Base map',
    'legend.title': 'Legend',
    'legend.hasStations': 'Area with camera stations',
    'legend.noStations': 'Area without a station yet',
    'legend.covered': 'Route with cameras',
    'legend.gap': 'Gap',
    'legend.cameras': 'Cameras',
    'legend.down': 'Down camera: bigger, dark edge, drawn on top',
    'legend.places': 'Places',
    'legend.communeWith': 'Commune with stations (point)',
    'legend.communeWithout': 'Commune without a station (point)',
    'legend.routes': 'Routes',
    'legend.stationsTitle': 'Stations',
    'legend.stationDown': 'Station with a down camera (zoomed out)',
    'legend.planning': 'Planning',
    'legend.proposal': 'Proposed station',
    'legend.proposalView': "Proposed camera's field of view",
    'legend.incident': 'Incident search',
    'legend.incidentPoint': 'Place of the incident',
    'legend.incidentRecorded': 'Saw it, likely recorded',
    'legend.incidentUnknown': 'Saw it, recording unknown',
    'legend.incidentNotRecorded': 'Saw it, not recording',
    'legend.incidentNotSeen': 'Did not see the place',
    'details.title': 'Camera details',
    'details.hint': 'Click a camera on the map.',
    'details.code': 'Code',
    'details.ownership': 'Ownership',
    'details.station': 'Station',
    'details.commune': 'Commune',
    'details.status': 'Status',
    'details.since': 'Since',
    'details.lastCheck': 'Last check',
    'details.lastOk': 'Last good check',
    'details.lastError': 'Last error',
    'details.device': 'Device',
    'details.heading': 'Heading',
    'details.headingValue': '{heading}° (registered {registered}°), field of view {fov}°, range {range} m',
    'details.clock': 'Clock offset',
    'details.uptime': 'Uptime',
    'details.uptime24h': '24 h',
    'details.uptime7d': '7 days',
    'details.uptime30d': '30 days',
    'details.none': '—',
    'details.unavailable': 'Could not get the status: {message}',
    'details.owner': 'Owner',
    'station.popup': 'Station {code}: {name}',
    'station.route': 'Route',
    'station.cameras': '{n} cameras',
    'incident.title': 'Cameras for an incident',
    'incident.hint': 'Click the map where the incident happened.',
    'incident.point': 'Place: {lat}, {lon}',
    'incident.noPoint': 'No place chosen yet',
    'incident.at': 'Time',
    'incident.radius': 'Radius (m)',
    'incident.caseRef': 'Case reference',
    'incident.search': 'Find cameras',
    'incident.results': '{n} cameras in the radius, {seeing} could see the place',
    'incident.col.code': 'Camera',
    'incident.col.distance': 'Distance',
    'incident.col.sees': 'Sees it',
    'incident.col.status': 'Status then',
    'incident.col.owner': 'Contact',
    'incident.yes': 'Yes',
    'incident.no': 'No',
    'incident.needPoint': 'Click a place on the map first.',
    'planner.title': 'Camera coverage of the routes',
    'planner.col.route': 'Route',
    'planner.col.length': 'Length (km)',
    'planner.col.installed': 'Installed',
    'planner.col.effective': 'Working',
    'planner.col.gaps': 'Gaps',
    'planner.gaps': 'Longest gaps',
    'planner.gapRow': '{ref}: km {from}–{to} ({length} km)',
    'planner.budget': 'Budget (VND)',
    'planner.propose': 'Propose new stations',
    'planner.result': '{n} stations costing {cost}; coverage {before}% → {after}%',
    'planner.proposed': 'Proposed station on {ref}: covers {gain} m more, {cost}',
    'planner.unavailable': 'Could not get the coverage figures: {message}',
    'error.forbidden': 'Your role may not see this.',
    'error.generic': 'Error: {message}',
    'unit.vnd': '{n} VND',
  },
};

const LANG_KEY = 'camnet.lang';
/** @type {((lang: string) => void)[]} */
const listeners = [];
const storedLang = localStorage.getItem(LANG_KEY);
let lang = storedLang !== null && STRINGS[storedLang] ? storedLang : 'vi';
/** @type {Record<string, Intl.NumberFormat> | null} */
let numberFormat = null;

/**
 * Adds a feature's own strings, so each panel keeps its words in its own file:
 * `addStrings({ vi: { 'console.title': 'Sự cố' }, en: { 'console.title': 'Incidents' } })`.
 * @param {Record<string, Dictionary>} dict language code → its strings
 */
export function addStrings(dict) {
  for (const [code, entries] of Object.entries(dict)) Object.assign((STRINGS[code] ??= {}), entries);
}

export function currentLang() {
  return lang;
}

/**
 * The text of `key` in the current language (Vietnamese, then the key itself, when missing).
 * @param {string} key
 * @param {Record<string, unknown>} [vars] values for the {name} placeholders
 */
export function t(key, vars = {}) {
  const text = STRINGS[lang][key] ?? STRINGS.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] === undefined ? `{${name}}` : String(vars[name])));
}

/**
 * Numbers the way the reader writes them: 1.696 in Vietnamese, 1,696 in English.
 * @param {number | null | undefined} n
 * @param {number} [digits]
 */
export function fmt(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  numberFormat ??= {};
  const key = `${lang}:${digits}`;
  numberFormat[key] ??= new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return numberFormat[key].format(n);
}

/** @param {string | null | undefined} iso */
export function fmtTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
}

/** @param {ParentNode} [root] */
export function applyI18n(root = document) {
  document.documentElement.lang = lang;
  document.title = t('app.title');
  // Only HTML elements carry these attributes, and the selectors guarantee each is present: hence the casts.
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-i18n]'))) el.textContent = t(/** @type {string} */ (el.dataset.i18n));
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (root.querySelectorAll('[data-i18n-placeholder]')))
    el.placeholder = t(/** @type {string} */ (el.dataset.i18nPlaceholder));
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-i18n-title]')))
    el.title = t(/** @type {string} */ (el.dataset.i18nTitle));
}

/** @param {string} next a language code with strings (vi, en) */
export function setLang(next) {
  if (!STRINGS[next] || next === lang) return;
  lang = next;
  localStorage.setItem(LANG_KEY, next);
  applyI18n();
  for (const fn of listeners) fn(lang);
}

/** @param {(lang: string) => void} fn */
export function onLangChange(fn) {
  listeners.push(fn);
}
