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
    no: 'Không',
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
    no: 'No',
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
