/**
 * embedviz's followers' page (components v2): a student following the teacher sees the teacher's pipeline
 * without rerunning the page's script.
 *
 * The element loops on the room's page route (embedviz/ui/room_server.py): "the page after version N, in
 * my language?". The server answers when the teacher's state has moved past N, with the page built once
 * for every follower (embedviz/ui/room_page.py): blocks of HTML (text already escaped by the server) and
 * charts, each chart the same data the Plotly host gets on the teacher's page. Charts are drawn by the
 * Plotly host's own code (imported below), each in a div that stays while its key stays, so the camera,
 * WebGL context and glide work as on the teacher's page. Only the latest answer is drawn.
 *
 * A phone shows one or two of the page's five charts at a time; redrawing all five for each of the teacher's
 * changes cost a follower in this machine's Chromium ~0.7 s of drawing. So after the first answer (every chart
 * drawn once, which gives the page its height) a chart out of view keeps the newest data and is drawn when it
 * scrolls into view (an IntersectionObserver, 300 px ahead); charts in view are drawn at once.
 *
 * When the answer's `pageKey` is not the one Python drew this page for (the teacher went to another
 * view, opened a question, locked the board), the element asks for one rerun with
 * `setTriggerValue("changed", version)`; when the room has ended, with -1. When the server cannot be
 * reached (a restart) it waits longer and longer before asking again.
 */

import plotlyHost from "../embedviz.plotly_host/plotly_host.js";

const states = new WeakMap();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const AHEAD = 300; // px: a chart this close to the viewport counts as in view

function inView(element) {
  const box = element.getBoundingClientRect();
  return box.bottom > -AHEAD && box.top < window.innerHeight + AHEAD;
}

function drawChart(entry, data) {
  entry.pending = null;
  entry.cleanup = plotlyHost({ data, parentElement: entry.element }) || entry.cleanup;
}

function blockElement(state, block) {
  let entry = state.blocks.get(block.key);
  if (!entry) {
    const element = document.createElement("div");
    element.className = block.chart ? "ev-mirror-chart" : "ev-mirror-text";
    element.dataset.key = block.key;
    // A screen reader announces the teacher's new sentence and settings, not the whole page each time.
    if (block.key === "head") element.setAttribute("aria-live", "polite");
    entry = { element, cleanup: null, html: null, pending: null };
    state.blocks.set(block.key, entry);
    if (block.chart) state.observer.observe(element);
  }
  return entry;
}

function draw(state, answer) {
  const keep = new Set();
  let previous = null;
  for (const block of answer.blocks || []) {
    const entry = blockElement(state, block);
    keep.add(block.key);
    if (block.chart) {
      if (!entry.cleanup || inView(entry.element)) drawChart(entry, block.data);
      else entry.pending = block.data; // drawn when it scrolls into view
    } else if (entry.html !== block.html) {
      entry.element.innerHTML = block.html; // built by the server, every text escaped there
      entry.html = block.html;
    }
    const next = previous ? previous.nextSibling : state.root.firstChild;
    if (next !== entry.element) state.root.insertBefore(entry.element, next);
    previous = entry.element;
  }
  for (const [key, entry] of state.blocks) {
    if (keep.has(key)) continue;
    if (entry.cleanup) entry.cleanup();
    state.observer.unobserve(entry.element);
    entry.element.remove();
    state.blocks.delete(key);
  }
  state.root.dataset.version = String(answer.version);
  // When this version's text was on the page (ms since the epoch): benchmarks compare it with the teacher's Enter.
  state.root.dataset.shownAt = String(performance.timeOrigin + performance.now());
}

async function follow(state) {
  let pause = 1000;
  while (!state.stopped) {
    try {
      state.abort = new AbortController();
      const url = `${location.origin}${state.url}?since=${state.seen}&lang=${state.lang}`;
      const response = await fetch(url, { cache: "no-store", signal: state.abort.signal });
      if (!response.ok) throw new Error(`room page: HTTP ${response.status}`);
      const answer = await response.json();
      pause = 1000;
      if (answer.ended) {
        state.trigger("changed", -1);
        return;
      }
      if (answer.version <= state.seen && state.drawn) continue; // the wait ran out: ask again
      if (answer.pageKey !== state.pageKey) {
        // This page must be drawn anew by Python (another view, a question): rerun, then ask for the
        // same version again once the rerun has drawn this element with its new key (or unmounted it).
        const asked = state.pageKey;
        state.trigger("changed", answer.version);
        for (let i = 0; i < 100 && state.pageKey === asked && !state.stopped; i += 1) await sleep(100);
        continue;
      }
      state.seen = answer.version;
      draw(state, answer);
      state.drawn = true;
    } catch (error) {
      if (state.stopped) return;
      await sleep(pause);
      pause = Math.min(pause * 2, 30000);
    }
  }
}

export default function roomMirror({ data, parentElement, setTriggerValue }) {
  let state = states.get(parentElement);
  if (!state || state.url !== data.url || state.lang !== data.lang) {
    if (state) stop(state);
    const root = document.createElement("div");
    root.className = "ev-mirror";
    parentElement.append(root);
    state = {
      url: data.url, lang: data.lang, root, blocks: new Map(), seen: -1, drawn: false, stopped: false,
    };
    const blocks = state.blocks;
    state.observer = new IntersectionObserver((seen) => {
      for (const { target, isIntersecting } of seen) {
        const entry = [...blocks.values()].find((candidate) => candidate.element === target);
        if (isIntersecting && entry && entry.pending) drawChart(entry, entry.pending);
      }
    }, { rootMargin: `${AHEAD}px 0px` });
    states.set(parentElement, state);
    state.trigger = setTriggerValue;
    state.pageKey = data.pageKey;
    follow(state);
  }
  state.trigger = setTriggerValue;
  state.pageKey = data.pageKey;
  return () => {
    stop(state);
    states.delete(parentElement);
  };
}

function stop(state) {
  state.stopped = true;
  state.observer.disconnect();
  if (state.abort) state.abort.abort();
  for (const entry of state.blocks.values()) if (entry.cleanup) entry.cleanup();
  state.root.remove();
}
