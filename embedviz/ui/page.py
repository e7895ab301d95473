"""The page: what one run of the script draws for a visitor (``app.py`` starts the server that runs it).

The main view follows the seed document's pipeline, one section per stage: tokens, token embeddings,
position embeddings, their sum, and the 3D view. Other views hold the seed's worked examples, batches,
word order and training. A student following a live class's teacher on the pipeline gets the followers'
page instead of a view: the teacher's pipeline, drawn by one element the server feeds
(:mod:`embedviz.ui.room_mirror`), with the language as the only control.

The pipeline view is an ``st.fragment`` (:func:`pipeline_alone`): typing a sentence reruns the view, not
the sidebar and the title around it.
"""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from embedviz.errors import MemoryBudgetExceeded
from embedviz.ui import classroom, controls, presenter, state, style
from embedviz.ui.budget_text import shown
from embedviz.ui.i18n import md_code, t
from embedviz.ui.plotly_host import preload_plotly
from embedviz.ui.startup import tune_process
from embedviz.ui.views import batches, pipeline, positions, seed, train, word_order

# First, before anything else is drawn: the browser starts loading plotly.js (~1 s) while the server
# works on the rest of the page (embedviz/ui/plotly_host.py).
preload_plotly()
tune_process()  # once per server process: see embedviz/ui/startup.py

settings, notices = state.load(ignore=classroom.PARAMS)
settings = classroom.join(settings)  # a live class: lead or follow (embedviz/ui/classroom.py)
# A student following the teacher's pipeline sees the followers' page: no settings, no slides of its own.
follower = classroom.mirrored()
presenting = settings.presenter and not follower
# Slides want the whole screen: presenter mode folds the sidebar away (its arrow opens it again).
sidebar = "collapsed" if presenting else "auto"
st.set_page_config(page_title="embedviz", page_icon="🧮", layout="wide", initial_sidebar_state=sidebar)
style.apply()  # contrast and focus CSS the theme cannot set (embedviz/ui/style.py)
controls.sidebar(presenting, settings=not follower)
if presenting:  # slides: no title, the view switch in the sidebar (see embedviz/ui/presenter.py)
    presenter.apply_style()
else:
    st.title(t("app.title"))
    st.markdown(t("app.subtitle"))
classroom.panel()
for notice in notices:
    st.warning(t("app.notice", notice=md_code(t(notice[0], **notice[1]))), icon="⚠️")  # untrusted text
VIEWS = {
    "pipeline": pipeline.render,
    "seed": seed.render,
    "batches": batches.render,
    "order": word_order.render,
    "train": train.render,
    "positions": positions.render,
}


def draw_view(view_settings: state.Settings) -> None:
    """The view the settings name."""
    try:
        VIEWS[view_settings.view](view_settings)
    except MemoryBudgetExceeded as error:  # the server's memory ran short half-way: say so, do not crash
        st.error(shown(error))


def fragment_rerun() -> bool:
    """Whether this run is a fragment's own rerun, not the whole page's. (Streamlit 1.67 has no public
    call for it: its script context lists the fragments a run is for.)"""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


@st.fragment
def pipeline_alone(page_settings: state.Settings) -> None:
    """The pipeline view as a fragment: an edit inside it (the sentence, the 3D view's controls, a slide's
    step) reruns this view alone, not the sidebar and the page around it (docs/performance.md).

    Its own rerun is handed the arguments of the page's last run, so it loads the settings again as the
    page does (:func:`embedviz.ui.state.load`, which also keeps the value of a setting whose widget this run
    does not draw, such as the 3D view's while the sentence is empty), and it ends as the page does: the
    link, and a teacher's state for the class."""
    draw_view(state.load(ignore=classroom.PARAMS)[0] if fragment_rerun() else page_settings)
    classroom.settle()


if follower:
    classroom.mirror()
else:
    (st.sidebar if presenting else st).segmented_control(
        t("view.label"), state.VIEWS, key="view", required=True, format_func=lambda v: t(f"view.{v}")
    )
    # A follower's settings are the teacher's, taken at the start of each full run: no fragment there.
    if settings.view == "pipeline" and not classroom.follows():
        pipeline_alone(settings)
    else:
        draw_view(settings)
classroom.finish()  # the settings into the link (state.save), with the class's room
