// page holds what the browser checks share: Chromium's arguments for
// software WebGL, and two functions run in the page (page.evaluate), each
// self-contained as Playwright sends their source.

export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking'];

// idle resolves once the map is loaded, its tiles are in and it is still.
export function idle() {
  return new Promise((resolve) => {
    const map = window.__map;
    const check = () => (map.loaded() && map.areTilesLoaded() && !map.isMoving() ? resolve() : map.once('idle', () => setTimeout(check, 100)));
    check();
  });
}

// painted reads the frame the map draws now: its size, the distinct
// colours of a sample of its pixels (a blank canvas has one) and the
// rendered features by source.
export function painted() {
  const map = window.__map;
  return new Promise((resolve) => {
    map.once('render', () => {
      const gl = map.getCanvas().getContext('webgl2');
      const w = gl.drawingBufferWidth;
      const h = gl.drawingBufferHeight;
      const px = new Uint8Array(w * h * 4);
      gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
      const colours = new Set();
      for (let i = 0; i < px.length; i += 4 * 97) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      const bySource = {};
      for (const f of map.queryRenderedFeatures()) bySource[f.source] = (bySource[f.source] ?? 0) + 1;
      resolve({ w, h, colours: colours.size, bySource });
    });
    map.triggerRepaint();
  });
}
