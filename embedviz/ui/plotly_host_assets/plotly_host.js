/**
 * embedviz's Plotly host (components v2): one Plotly chart that stays mounted.
 *
 * Streamlit calls the default export again with new `data` on the same `parentElement` for as long as the
 * element's key stays on the page. The first call draws with Plotly.newPlot; later calls update the same div
 * with Plotly.react, so the WebGL context, shaders and camera survive. Calls are chained (one at a time) and
 * a call that a newer one has overtaken is skipped.
 *
 * Kept across updates: the camera of every 3D scene (read from the div's current layout) unless Python sends a
 * new `cameraRevision` (a preset was chosen), 2D zoom (layout.uirevision), and legend entries the user hid.
 *
 * Glide: a point of a scatter3d trace that has `ids` moves from where it is drawn now to its new place over
 * `glideMs` (requestAnimationFrame + Plotly.restyle of x/y/z; plotly.js does not animate 3D transitions).
 * Points with a new id grow from size 0. A newer update stops a running glide where it is and glides on from
 * there. The glide runs only where it is smooth: on a real GPU. Where WebGL is drawn by the CPU (SwiftShader,
 * llvmpipe: many school PCs and VMs) each glide frame costs 50-66 ms, a 15-20 fps stutter, so points jump
 * to their new places there; `prefers-reduced-motion: reduce` (or glideMs 0) makes every change a jump too.
 *
 * Animations: a figure with `frames` (the training animation's Play button and slider) gets them with newPlot
 * and react, and never glides (Plotly animates it). An update with the very figure already drawn is skipped, so
 * a rerun for another widget leaves the frame a visitor paused on alone.
 *
 * Labels: the text of 3D points is drawn as scene annotations (see `labelsAsAnnotations`): SVG text at its
 * font size whatever Plotly.react adds, crisp on a projector and in the page's text for screen readers.
 * Before each react every 3D object is also put back at pixelRatio 1 (see `firstDrawRatio`), for 3D text
 * that stays WebGL (none in the app's figures).
 *
 * plotly.js is the installed plotly package's plotly.min.js, served by the app (see plotly_host.py). It is
 * loaded once per page with a classic <script>, as soon as the first element mounts (preload_plotly's, at the
 * top of the page, draws nothing); this module keeps its own reference and gives window.Plotly back to
 * whoever had it (st.plotly_chart installs Streamlit's own plotly.js there).
 */

const PLOTLY_URL = new URL("../embedviz.plotlyjs/plotly.min.js", import.meta.url);
const TYPED = {
  f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array,
  i2: Int16Array, u2: Uint16Array, i1: Int8Array, u1: Uint8Array, u1c: Uint8ClampedArray,
};
const LABEL_GAP = 3; // px between a 3D point's marker and its label
const states = new WeakMap(); // parentElement -> state of its chart
// One plotly.js per page, whichever copy of this module asks first (the followers' page of a class imports
// this file from another component's URL: a second module instance, the same page).
const PLOTLY = Symbol.for("embedviz.plotlyjs");

/** Load plotly.js once per page. `version` (the plotly package's, sent by Python) goes into the URL, so the
 * browser may keep that file for good (see embedviz/ui/static_files.py). */
function loadPlotly(version) {
  if (!window[PLOTLY]) {
    const url = new URL(PLOTLY_URL);
    if (version) url.searchParams.set("v", version);
    window[PLOTLY] = new Promise((resolve, reject) => {
      const previous = window.Plotly;
      const hadModuleName = "moduleName" in window;
      const script = document.createElement("script");
      script.src = url.href;
      script.dataset.embedviz = "plotlyjs";
      script.onload = () => {
        const mine = window.Plotly;
        if (previous) window.Plotly = previous;
        if (!hadModuleName) delete window.moduleName; // the bundle's UMD header also sets self.moduleName
        resolve(mine);
      };
      script.onerror = () => {
        window[PLOTLY] = null;
        script.remove();
        reject(new Error(`could not load ${url.href}`));
      };
      document.head.appendChild(script);
    });
  }
  return window[PLOTLY];
}

/** Plotly's Python encoder sends numpy arrays as {dtype, bdata}; decode the one-dimensional ones. */
function decode(value) {
  if (!value || typeof value !== "object" || typeof value.bdata !== "string") return value;
  const Typed = TYPED[value.dtype];
  if (!Typed || (value.shape && String(value.shape).includes(","))) return value;
  const bytes = Uint8Array.from(atob(value.bdata), (c) => c.charCodeAt(0));
  return new Typed(bytes.buffer);
}

/**
 * 3D charts without multisampling. plotly.js asks for a WebGL context with `antialias: true` and draws the
 * canvas at plotGlPixelRatio 2, twice the chart's size in each direction; scaled down to the page, that
 * supersampling already smooths the edges. Without a GPU (Chromium's SwiftShader here; many school VMs
 * and remote desktops) multisampling the 2,862 x 1,254 px canvas of the 3D view made every frame ~30 %
 * dearer (figures in docs/performance.md). Screenshots with and without look the same to the eye (the
 * pixels differ only at edges).
 * Only WebGL canvases inside a host are changed; installed once per page.
 */
function drawWithoutMultisampling() {
  const proto = HTMLCanvasElement.prototype;
  if (proto.getContext.embedvizNoMultisampling) return;
  const getContext = proto.getContext;
  const patched = function (type, attributes) {
    if (/webgl/.test(type) && this.closest && this.closest(".embedviz-plotly-host")) {
      return getContext.call(this, type, { ...(attributes || {}), antialias: false });
    }
    return getContext.call(this, type, attributes);
  };
  patched.embedvizNoMultisampling = true;
  proto.getContext = patched;
}

/**
 * Whether WebGL is drawn by a real GPU. A context asked for with `failIfMajorPerformanceCaveat: true` is
 * refused where the browser knows it would draw in software; Chromium told to use SwiftShader still grants
 * it, so the renderer's name is read too (SwiftShader, llvmpipe, softpipe, Microsoft's Basic Render
 * Driver are CPU renderers). Asked once per page, when the first chart mounts (the probe's context is
 * released at once). `window.__embedvizGlideLane` ("glide" or "jump"), set before the page loads, chooses
 * the lane instead (browser tests of both lanes).
 */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;
let smoothWebgl = null;
function webglIsSmooth() {
  const forced = window.__embedvizGlideLane;
  if (forced === "glide" || forced === "jump") return forced === "glide";
  if (smoothWebgl === null) {
    try {
      const gl = document.createElement("canvas").getContext("webgl", { failIfMajorPerformanceCaveat: true });
      const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
      const renderer = gl ? String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : "";
      smoothWebgl = Boolean(gl) && !SOFTWARE_RENDERER.test(renderer);
      const lose = gl && gl.getExtension("WEBGL_lose_context");
      if (lose) lose.loseContext();
    } catch (error) {
      smoothWebgl = false;
    }
  }
  return smoothWebgl;
}

function reducedMotion() {
  return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/** The 3D scenes of a layout (`scene`, `scene2`, ...), as [name, scene] pairs. */
function scenesOf(layout) {
  return Object.entries(layout || {}).filter(([name, scene]) => /^scene\d*$/.test(name) && scene);
}

/**
 * plotly.js 4.1 (its gl-scatter3d) vectorizes each 3D text label once per font and text and caches it, but
 * divides the shape by the point cloud's pixelRatio at that moment: 1 while a trace is first drawn, the
 * scene's plotGlPixelRatio (2) after it has drawn once. So a label first seen in a Plotly.react stays half
 * its font size for the page's lifetime (plotly.js issue #5754). Putting every 3D object of the chart back
 * at pixelRatio 1 before a react (the state a first draw, or a picking pass, leaves them in; the scene sets
 * its own ratio again before it draws) makes new labels the size of the first ones. No new WebGL context.
 */
function firstDrawRatio(gd) {
  for (const [, scene] of scenesOf(gd._fullLayout)) {
    const plot = scene._scene && scene._scene.glplot;
    if (plot) for (const object of plot.objects || []) object.pixelRatio = 1;
  }
}

/**
 * The text of 3D points as scene annotations. plotly.js draws a scatter3d trace's `text` in WebGL, and a
 * label that first appears in a Plotly.react came out at about two thirds of its size (12 px for 18 px),
 * even with `firstDrawRatio`. A scene annotation is SVG text anchored at a 3D point: it keeps its font size,
 * follows the camera, and is real text. Each labelled point of a scatter3d trace with `text` in its `mode`
 * becomes one annotation on the point's side given by `textposition` ("top center", "bottom left", ...),
 * in the trace's `textfont`; the trace keeps its markers (and hover). The text arrives escaped by Python
 * (figures.style.plain), as Plotly wants it for annotations too. Returns the annotations per scene name.
 */
function labelsAsAnnotations(traces, layout) {
  const byScene = new Map();
  for (const trace of traces) {
    const mode = String(trace.mode || "");
    if (trace.type !== "scatter3d" || !mode.includes("text") || !Array.isArray(trace.text)) continue;
    const scene = trace.scene || "scene";
    const labels = byScene.get(scene) || [];
    const [xs, ys, zs] = [decode(trace.x), decode(trace.y), decode(trace.z)];
    const font = { ...(trace.textfont || {}) };
    const size = trace.marker && typeof trace.marker.size === "number" ? trace.marker.size : 6;
    const gap = LABEL_GAP + size / 2; // from the point's centre: past its marker
    trace.text.forEach((text, i) => {
      if (!text) return;
      const side = Array.isArray(trace.textposition) ? trace.textposition[i] : trace.textposition;
      const [vertical, horizontal] = String(side || "top center").split(" ");
      labels.push({
        x: +xs[i], y: +ys[i], z: +zs[i], text: String(text), font, showarrow: false, captureevents: false,
        xanchor: { left: "right", right: "left" }[horizontal] || "center",
        yanchor: { top: "bottom", bottom: "top" }[vertical] || "middle",
        xshift: { left: -gap, right: gap }[horizontal] || 0,
        yshift: { top: gap, bottom: -gap }[vertical] || 0,
      });
    });
    trace.mode = mode.replace(/\+?text/, "").replace(/^\+/, "") || "none";
    byScene.set(scene, labels);
  }
  for (const [scene, labels] of byScene) {
    const own = (layout[scene] && layout[scene].annotations) || [];
    layout[scene] = { ...(layout[scene] || {}), annotations: [...own, ...labels] };
  }
  return byScene;
}

/**
 * The preset cameras and the projector's 15 px axis text are chosen for a wide chart; on a phone (a chart
 * narrower than NARROW_PX) they cut the axis titles and ticks off at both sides. There:
 * - every camera that comes from Python (a first draw, a new preset) looks from NARROW_ZOOM times farther
 *   away, and at a point NARROW_SHIFT to the left of where it looked (the picture moves right): plotly.js
 *   puts the vertical axis's ticks and title at the left of the cube in every preset, so they need the room;
 * - the 3D axes' tick labels and titles are NARROW_FONT px (on every update).
 * At 390 px the default view then shows all three axis titles and every tick label whole (at zoom 1.6 and
 * 15 px, PC3's title and ticks were cut off; zoom 1.9 alone crowded the points). A camera the visitor turned
 * is kept as it is. A chart of width 0 (not laid out yet) is left alone.
 */
const NARROW_PX = 500;
const NARROW_ZOOM = 1.8;
const NARROW_SHIFT = 0.1;
const NARROW_FONT = 13;

function narrow(gd) {
  const width = gd.clientWidth;
  return width > 0 && width < NARROW_PX;
}

/** `center` moved by NARROW_SHIFT along the screen's left for a camera at `eye` looking up `up`. */
function shiftedLeft(eye, center, up) {
  const f = [center.x - eye.x, center.y - eye.y, center.z - eye.z]; // where the camera looks
  const left = [up.y * f[2] - up.z * f[1], up.z * f[0] - up.x * f[2], up.x * f[1] - up.y * f[0]]; // up x f
  const length = Math.hypot(...left) || 1;
  const [x, y, z] = left.map((v) => (v / length) * NARROW_SHIFT);
  return { x: center.x + x, y: center.y + y, z: center.z + z };
}

function fitNarrowCamera(gd, layout) {
  if (!narrow(gd)) return;
  for (const [, scene] of scenesOf(layout)) {
    const eye = scene.camera && scene.camera.eye;
    if (eye) {
      const farther = { x: eye.x * NARROW_ZOOM, y: eye.y * NARROW_ZOOM, z: eye.z * NARROW_ZOOM };
      const center = shiftedLeft(eye, scene.camera.center || { x: 0, y: 0, z: 0 },
        scene.camera.up || { x: 0, y: 0, z: 1 });
      scene.camera = { ...scene.camera, eye: farther, center };
    }
  }
}

function fitNarrowText(gd, layout) {
  if (!narrow(gd)) return;
  for (const [, scene] of scenesOf(layout)) {
    for (const axis of ["xaxis", "yaxis", "zaxis"]) {
      const given = scene[axis] || {};
      const title = typeof given.title === "string" ? { text: given.title } : given.title || {};
      scene[axis] = {
        ...given,
        tickfont: { ...given.tickfont, size: NARROW_FONT },
        title: { ...title, font: { ...title.font, size: NARROW_FONT } },
      };
    }
  }
}

/** A colour bar beside a narrow chart takes a fifth of its width from the 3D scene (PC1's and PC3's titles
 * were cut off): there it lies under the chart instead. */
const NARROW_COLORBAR = {
  orientation: "h", x: 0.5, xanchor: "center", y: 0, yanchor: "top", len: 0.9, thickness: 10,
};

function fitNarrowColorbars(gd, traces) {
  if (!narrow(gd)) return;
  for (const trace of traces) {
    if (trace.marker && trace.marker.colorbar) {
      trace.marker = { ...trace.marker, colorbar: { ...trace.marker.colorbar, ...NARROW_COLORBAR } };
    }
  }
}

function react(Plotly, gd, figure) {
  firstDrawRatio(gd);
  return Plotly.react(gd, figure);
}

function traceKey(trace, index) {
  return trace.uid || `${index}:${trace.type || "scatter"}`;
}

/** The user's hidden legend entries and 3D cameras, carried into the new figure. */
function carryUserState(gd, traces, layout, keepCamera) {
  const hidden = new Map();
  (gd.data || []).forEach((trace, i) => {
    if (trace.visible === "legendonly" || trace.visible === false) hidden.set(traceKey(trace, i), trace.visible);
  });
  traces.forEach((trace, i) => {
    const visible = hidden.get(traceKey(trace, i));
    if (visible !== undefined && trace.visible === undefined) trace.visible = visible;
  });
  if (!keepCamera) return;
  for (const [name, scene] of scenesOf(gd.layout)) {
    const camera = liveCamera(gd, name) || (scene.camera && JSON.parse(JSON.stringify(scene.camera)));
    if (camera) layout[name] = { ...(layout[name] || {}), camera };
  }
}

/**
 * The camera a 3D scene shows now. plotly.js writes a turned camera into gd.layout only on a mouseup over
 * its canvas, so a drag released beside the chart left the layout's old camera, and the next edit turned
 * the chart back; the scene's own getCamera() reads the view itself.
 */
function liveCamera(gd, name) {
  const scene = gd._fullLayout && gd._fullLayout[name] && gd._fullLayout[name]._scene;
  return scene && typeof scene.getCamera === "function" ? scene.getCamera() : null;
}

/** Where each point of each glide-able trace starts and ends; null when nothing moves or appears. */
function glidePlan(gd, traces) {
  const moves = [];
  traces.forEach((trace, i) => {
    const old = (gd.data || [])[i];
    if (trace.type !== "scatter3d" || !trace.ids || !old || !old.ids || old.type !== "scatter3d") return;
    const where = new Map();
    for (let j = 0; j < old.ids.length; j++) where.set(old.ids[j], j);
    const n = trace.ids.length;
    const from = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const to = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const fresh = new Uint8Array(n);
    let changed = n !== old.ids.length;
    for (let j = 0; j < n; j++) {
      const k = where.get(trace.ids[j]);
      for (let a = 0; a < 3; a++) {
        const axis = "xyz"[a];
        to[a][j] = +trace[axis][j];
        from[a][j] = k === undefined ? to[a][j] : +old[axis][k];
        if (from[a][j] !== to[a][j] && !(from[a][j] !== from[a][j] && to[a][j] !== to[a][j])) changed = true;
      }
      if (k === undefined) { fresh[j] = 1; changed = true; }
    }
    const marker = trace.marker || {};
    const sized = String(trace.mode || "markers").includes("markers") && fresh.some((f) => f);
    const size = marker.size === undefined ? 6 : decode(marker.size);
    moves.push({ index: i, from, to, fresh, sized, size, changed });
  });
  return moves.some((m) => m.changed) ? moves : null;
}

function sizesAt(move, e) {
  const n = move.fresh.length;
  const sizes = new Array(n);
  for (let j = 0; j < n; j++) {
    const full = typeof move.size === "number" ? move.size : +move.size[j];
    sizes[j] = move.fresh[j] ? full * e : full;
  }
  return sizes;
}

/** Point positions (and sizes of new points) at eased progress e in [0, 1], written into the traces. */
function frameUpdate(moves, e) {
  const update = { x: [], y: [], z: [], "marker.size": [] };
  for (const move of moves) {
    for (let a = 0; a < 3; a++) {
      const { from, to } = move;
      const values = new Float64Array(to[a].length);
      for (let j = 0; j < values.length; j++) values[j] = from[a][j] + (to[a][j] - from[a][j]) * e;
      update["xyz"[a]].push(values);
    }
    update["marker.size"].push(move.sized ? (e >= 1 ? move.size : sizesAt(move, e)) : move.size);
  }
  if (!moves.some((m) => m.sized)) delete update["marker.size"];
  return update;
}

function glide(Plotly, state, moves, ms) {
  const indices = moves.map((m) => m.index);
  return new Promise((resolve) => {
    let started = null;
    const step = (now) => {
      if (state.stopGlide) { state.stopGlide = false; resolve(false); return; }
      if (started === null) { // the react has just drawn the start: moving begins with the next frame
        started = now;
        requestAnimationFrame(step);
        return;
      }
      const k = Math.min(1, (now - started) / ms);
      const e = k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2; // ease in-out
      Plotly.restyle(state.gd, frameUpdate(moves, e), indices);
      if (k < 1) requestAnimationFrame(step);
      else resolve(true);
    };
    requestAnimationFrame(step);
  });
}

function sameAsDrawn(state, data) {
  const drawn = state.drawnData;
  return Boolean(drawn) && drawn.figure === data.figure && drawn.cameraRevision === data.cameraRevision
    && drawn.glideMs === data.glideMs && JSON.stringify(drawn.config) === JSON.stringify(data.config);
}

async function update(state, data) {
  if (state.latest !== data) return; // a newer call is queued: skip straight to it
  if (sameAsDrawn(state, data)) return; // nothing new: keep the chart as the visitor left it
  // (a glide stopped half-way by a newer call leaves points between two figures: not "drawn")
  state.drawnData = (await draw(state, data)) ? data : null;
}

/** Draw `data`'s figure; true when the chart shows it, false when a newer call stopped its glide. */
async function draw(state, data) {
  const Plotly = await loadPlotly(data.plotlyVersion);
  const figure = JSON.parse(data.figure);
  const traces = figure.data || [];
  const layout = figure.layout || {};
  for (const trace of traces) if (trace.ids) for (const axis of "xyz") trace[axis] = decode(trace[axis]);
  const config = data.config || {};
  const gd = state.gd;
  // The chart's box keeps the figure's height. Plotly's resize handler (config.responsive) relayouts with
  // autosize, which drops layout.height once the chart has been updated with Plotly.react; the box then
  // fell to 0 px and the page's text ran over the charts (typing, then the window resized to 1280 px).
  gd.style.height = layout.height ? `${layout.height}px` : "";
  layout.uirevision = data.cameraRevision;
  const frames = figure.frames; // animations (sliders/buttons) keep working: react replaces the frames too
  const keepCamera = state.drawn && data.cameraRevision === state.cameraRevision;
  if (!keepCamera) fitNarrowCamera(gd, layout);
  fitNarrowText(gd, layout);
  fitNarrowColorbars(gd, traces);
  const labels = labelsAsAnnotations(traces, layout);
  const layoutLabels = Object.fromEntries([...labels.keys()].map((scene) => [scene, layout[scene].annotations]));
  if (!state.drawn) {
    await Plotly.newPlot(gd, { data: traces, layout, frames, config });
    state.drawn = true;
    state.cameraRevision = data.cameraRevision;
    return true;
  }
  carryUserState(gd, traces, layout, keepCamera);
  state.cameraRevision = data.cameraRevision;
  const jump = reducedMotion() || !webglIsSmooth() || (frames && frames.length); // Plotly animates frames
  const ms = jump ? 0 : data.glideMs || 0;
  const moves = ms > 0 ? glidePlan(gd, traces) : null;
  if (!moves) {
    await react(Plotly, gd, { data: traces, layout, frames, config });
    return true;
  }
  gd.dataset.gliding = "true"; // (tests and benches wait for its end: the drawn points are the figure's)
  // The labels drawn now stay while the points move; the new ones appear where the points arrive.
  for (const [scene] of labels) {
    const drawnLabels = (gd.layout[scene] && gd.layout[scene].annotations) || [];
    layout[scene] = { ...layout[scene], annotations: drawnLabels };
  }
  const start = frameUpdate(moves, 0);
  moves.forEach((move, m) => {
    const trace = traces[move.index];
    trace.x = start.x[m]; trace.y = start.y[m]; trace.z = start.z[m];
    if (move.sized) trace.marker = { ...(trace.marker || {}), size: start["marker.size"][m] };
  });
  await react(Plotly, gd, { data: traces, layout, frames, config });
  state.gliding = true;
  try {
    const arrived = await glide(Plotly, state, moves, ms);
    const update = {};
    for (const [scene] of labels) update[`${scene}.annotations`] = layoutLabels[scene];
    if (arrived && labels.size) await Plotly.relayout(gd, update);
    return arrived;
  } finally {
    state.gliding = false;
    delete gd.dataset.gliding;
  }
}

function showError(state, error, message) {
  console.error("embedviz plotly host:", error);
  state.error.textContent = `${message || "The chart could not be drawn."} (${error.message || error})`;
  state.error.hidden = false;
}

export default function plotlyHost(component) {
  const { data, parentElement } = component;
  if (data && data.preload) { // preload_plotly(): load plotly.js now, draw nothing
    loadPlotly(data.plotlyVersion).catch((error) => console.error("embedviz plotly host:", error));
    return undefined;
  }
  drawWithoutMultisampling();
  let state = states.get(parentElement);
  if (!state) {
    const gd = document.createElement("div");
    gd.className = "embedviz-plotly-host";
    gd.dataset.webgl = webglIsSmooth() ? "gpu" : "software"; // the lane: glide on a GPU, jump otherwise
    const error = document.createElement("div");
    error.className = "embedviz-plotly-host-error";
    error.setAttribute("role", "alert");
    error.hidden = true;
    parentElement.append(gd, error);
    state = {
      gd, error, queue: Promise.resolve(), drawn: false, drawnData: null, latest: null, stopGlide: false,
      gliding: false,
    };
    states.set(parentElement, state);
  }
  const current = state;
  current.latest = data;
  if (current.gliding) current.stopGlide = true;
  current.queue = current.queue
    .then(() => update(current, data))
    .then(() => { if (current.latest === data) current.error.hidden = true; })
    .catch((error) => showError(current, error, data && data.errorMessage));
  return () => {
    current.stopGlide = current.gliding;
    current.queue.then(() => {
      if (window[PLOTLY]) window[PLOTLY].then((Plotly) => Plotly.purge(current.gd)).catch(() => {});
    });
    states.delete(parentElement);
  };
}
