"""A student's banner in a class: following the teacher, or exploring alone, and the button to switch."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from embedviz.ui.i18n import t


def banner(following: bool, *, on_explore: Callable[[], None], on_follow: Callable[[], None]) -> None:
    """ "Following the teacher · Explore on my own", or "Exploring on your own · Follow again"."""
    with st.container(key="ev-class-banner", horizontal=True, vertical_alignment="center"):
        if following:
            st.markdown(f"**{t('class.following')}**")
            st.button(t("class.explore"), key="ev-class-explore", on_click=on_explore)
        else:
            st.markdown(f"**{t('class.exploring')}**")
            st.button(t("class.follow_again"), key="ev-class-follow", on_click=on_follow, type="primary")
