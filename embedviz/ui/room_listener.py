"""An invisible element that reruns the page when the room changes (components v2, keyed, stays mounted).

Its JavaScript loops on the room's long poll (:mod:`embedviz.ui.room_server`): it asks "anything after
version N?", and when the answer is a newer version it calls ``setTriggerValue("changed", version)``, which
reruns this visitor's script (or only the fragment the element is drawn in). The rerun draws the element
again with the version it showed (``data.version``); the next question starts from there, so versions the
page never showed are skipped (the latest wins) and a change made during the rerun is asked for at once.
When the room has ended the element asks for one last rerun (the page then says so) and stops; when the
server cannot be reached (a restart) it waits longer and longer before asking again.

Nothing is drawn: the element's container is hidden by its own CSS.
"""

from __future__ import annotations

import streamlit as st

from embedviz.ui.room_server import events_url

NAME = "embedviz.room_listener"
#: A rerun asked for by the element carries this event, valued with the room's new version (or -1: ended).
EVENT = "changed"

JS = """
const states = new WeakMap();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function listen(state) {
  let pause = 1000;
  while (!state.stopped) {
    try {
      state.abort = new AbortController();
      const url = `${location.origin}${state.url}?since=${state.seen}&watch=${state.watch}`;
      const response = await fetch(url, { cache: "no-store", signal: state.abort.signal });
      if (!response.ok) throw new Error(`room events: HTTP ${response.status}`);
      const answer = await response.json();
      pause = 1000;
      if (answer.ended) {
        state.trigger("changed", -1);
        return;
      }
      if (answer.version > state.seen) {
        state.seen = answer.version;
        state.trigger("changed", answer.version);
      }
    } catch (error) {
      if (state.stopped) return;
      await sleep(pause);
      pause = Math.min(pause * 2, 30000);
    }
  }
}

export default function roomListener({ data, parentElement, setTriggerValue }) {
  let state = states.get(parentElement);
  if (!state || state.url !== data.url || state.watch !== data.watch) {
    if (state) { state.stopped = true; state.abort?.abort(); }
    state = { url: data.url, watch: data.watch, seen: data.version, stopped: false };
    states.set(parentElement, state);
    state.trigger = setTriggerValue;
    listen(state);
  }
  state.trigger = setTriggerValue;
  state.seen = Math.max(state.seen, data.version);
  return () => { state.stopped = true; state.abort?.abort(); states.delete(parentElement); };
}
"""
CSS = ".st-key-ev-room-listener, .st-key-ev-room-board-listener { display: none; }"


def listen(code: str, version: int, *, watch: str = "follow", key: str = "ev-room-listener") -> None:
    """Rerun this page (or the fragment this is called in) when room ``code`` is past ``version``.

    ``watch="follow"`` counts what a student's page shows, ``"all"`` every change (the teacher's board)."""
    mount = st.components.v2.component(NAME, js=JS, css=CSS, isolate_styles=False)
    with st.container(key=key):
        mount(
            key=f"{key}-element",
            data={"url": events_url(code), "version": version, "watch": watch},
            height=0,
            on_changed_change=lambda: None,
        )
