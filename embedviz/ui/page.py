"""The page: what one run of the script draws for a visitor (``app.py`` starts the server that runs it).

The main view follows the seed document's pipeline, one section per stage: tokens, token embeddings,
position embeddings, their sum, and the 3D view. Other views hold the seed's worked examples, batches,
word order and training. A student following a live class's teacher on the pipeline gets the followers'
page instead of a view: the teacher's pipeline, drawn by one element the server feeds
(:mod:`embedviz.ui.room_mirror`), with the language as the only control.
"""

import streamlit as st

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


@st.fragment
def pipeline_alone() -> None:
    """The pipeline view as a fragment: an edit inside it (the sentence, the 3D view's controls, a slide's
    step) reruns this view alone, not the sidebar and the page around it (half the server's work of a
    warm edit, docs/performance.md). So it reads the settings again (a fragment's rerun is not given new
    arguments) and ends as the page does: the link, and a teacher's state for the class."""
    draw_view(state.current())
    classroom.settle()


if follower:
    classroom.mirror()
else:
    (st.sidebar if presenting else st).segmented_control(
        t("view.label"), state.VIEWS, key="view", required=True, format_func=lambda v: t(f"view.{v}")
    )
    # A follower's settings are the teacher's, taken at the start of each full run: no fragment there.
    if settings.view == "pipeline" and not classroom.follows():
        pipeline_alone()
    else:
        draw_view(settings)
classroom.finish()  # the settings into the link (state.save), with the class's room
