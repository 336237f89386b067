// UI text, Vietnamese first. Layer titles come from the catalog, not from here.
export const LANGS = ['vi', 'en'];

const TEXT = {
  vi: {
    title: 'Bản đồ tỉnh',
    layers: 'Lớp bản đồ',
    legend: 'Chú giải',
    loading: 'Đang tải lớp bản đồ…',
    loadError: 'Không tải được danh sách lớp bản đồ',
    noLayers: 'Chưa có lớp bản đồ nào',
    noneShown: 'Chưa bật lớp nào',
    synthetic: 'mô phỏng',
    syntheticHint: 'Dữ liệu mô phỏng, không phải dữ liệu thật',
    language: 'Ngôn ngữ',
    togglePanel: 'Ẩn/hiện bảng',
    yes: 'Có',
    close: 'Đóng',
    features: 'đối tượng',
    search: 'Tìm xã, phường, địa điểm, tàu…',
    tools: 'Công cụ',
    toolPoint: 'Điểm', toolZone: 'Vẽ vùng', toolRadius: 'Bán kính', toolCommune: 'Chọn xã',
    toolLine: 'Đo dài', toolArea: 'Đo diện tích', toolTilt: '3D',
    target: 'Hỏi lớp', groupBy: 'Nhóm theo',
    zoneHint: 'Nhấp để thêm đỉnh, nhấp đúp để kết thúc',
    indicators: 'Chỉ số', indicatorNone: '— không tô màu —',
    alerts: 'Cảnh báo', noAlerts: 'Không có cảnh báo', ack: 'Xác nhận', ackNote: 'Ghi chú', acked: 'đã xác nhận',
    login: 'Mã truy cập', loginHint: 'Dán mã (token) của cán bộ vận hành', logout: 'Thoát',
    opacity: 'Độ mờ',
    wallScene: 'Màn hình lớn', wallRotate: 'Tự xoay cảnh',
    reconnecting: 'Mất kết nối — đang kết nối lại…',
    about: 'Về dữ liệu này', source: 'Nguồn', licence: 'Giấy phép', updated: 'Cập nhật', updateEvery: 'chu kỳ cập nhật',
    publicTitle: 'Bản đồ dữ liệu mở', attribution: 'Ghi công',
    administrative: 'Hành chính', land: 'Đất đai', housing: 'Nhà ở', infrastructure: 'Hạ tầng', planning: 'Quy hoạch', live: 'Trực tuyến', maritime: 'Biển', basemap: 'Bản đồ nền',
    green: 'đạt', yellow: 'cần chú ý', red: 'không đạt', units: 'đơn vị', vessels: 'tàu', lastFix: 'vị trí cuối',
    no: 'Không',
    aggregate: 'Lưới H3 và bản đồ nhiệt', aggNone: '— không —', aggHex: 'Lục giác H3', aggHeat: 'Bản đồ nhiệt', resolution: 'Độ phân giải', suppressed: 'ẩn ô có ít hơn', auto: 'tự động',
    vessel: 'Tàu', speed: 'Tốc độ', course: 'Hướng', fixes: 'Số vị trí', minAgo: 'phút trước', replay: 'Phát lại hành trình', noTrack: 'Chưa có hành trình',
  },
  en: {
    title: 'Province map',
    layers: 'Map layers',
    legend: 'Legend',
    loading: 'Loading map layers…',
    loadError: 'Could not load the list of map layers',
    noLayers: 'No map layers yet',
    noneShown: 'No layer switched on',
    synthetic: 'synthetic',
    syntheticHint: 'Synthetic data, not real data',
    language: 'Language',
    togglePanel: 'Hide/show panel',
    yes: 'Yes',
    close: 'Close',
    features: 'features',
    search: 'Find a commune, ward, place, vessel…',
    tools: 'Tools',
    toolPoint: 'Point', toolZone: 'Draw zone', toolRadius: 'Radius', toolCommune: 'Pick commune',
    toolLine: 'Distance', toolArea: 'Area', toolTilt: '3D',
    target: 'Ask layer', groupBy: 'Group by',
    zoneHint: 'Click to add vertices, double-click to finish',
    indicators: 'Indicators', indicatorNone: '— no colouring —',
    alerts: 'Alerts', noAlerts: 'No alerts', ack: 'Acknowledge', ackNote: 'Note', acked: 'acknowledged',
    login: 'Access token', loginHint: "Paste an operator's token", logout: 'Sign out',
    opacity: 'Opacity',
    wallScene: 'Video wall', wallRotate: 'Rotate scenes',
    reconnecting: 'Connection lost — reconnecting…',
    about: 'About this data', source: 'Source', licence: 'Licence', updated: 'Updated', updateEvery: 'updated every',
    publicTitle: 'Open data map', attribution: 'Attribution',
    administrative: 'Administrative', land: 'Land', housing: 'Housing', infrastructure: 'Infrastructure', planning: 'Planning', live: 'Live', maritime: 'Maritime', basemap: 'Basemap',
    green: 'on target', yellow: 'watch', red: 'off target', units: 'units', vessels: 'vessels', lastFix: 'last fix',
    no: 'No',
    aggregate: 'H3 grid and heatmap', aggNone: '— none —', aggHex: 'H3 hexagons', aggHeat: 'Heatmap', resolution: 'Resolution', suppressed: 'hides cells with fewer than', auto: 'auto',
    vessel: 'Vessel', speed: 'Speed', course: 'Course', fixes: 'Fixes', minAgo: 'min ago', replay: 'Replay the track', noTrack: 'No track yet',
  },
};

export function t(lang, key) {
  return TEXT[lang]?.[key] ?? TEXT.vi[key] ?? key;
}

const STORE_KEY = 'bando.lang';

// initialLang honours ?lang=en, then the last choice, then Vietnamese.
export function initialLang() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(asked)) return asked;
  try {
    const saved = localStorage.getItem(STORE_KEY);
    if (LANGS.includes(saved)) return saved;
  } catch {
    // Storage can be disabled; the default will do.
  }
  return 'vi';
}

export function saveLang(lang) {
  try {
    localStorage.setItem(STORE_KEY, lang);
  } catch {
    // Not remembering the choice is harmless.
  }
}
