"""The reproduce stage through Streamlit's AppTest: the code block follows the settings, the downloads are
there and lazy, and no edge setting raises."""

from __future__ import annotations

import pytest
from apptest_utils import run_app
from streamlit.testing.v1 import AppTest

import embedviz
from embedviz.codegen import python_source
from embedviz.embeddings import EmbeddingSpec
from embedviz.ui.sections.reproduce import file_stem

DEFAULT = "Today the cat sat on the mat"
TITLE = {"en": "8 · Reproduce and export", "de": "8 · Nachrechnen und exportieren"}
DOWNLOADS = ("export-csv", "export-projector", "export-html")
OPEN = ("open-reproduce",)  # the code and the downloads are built only while their expander is open


def python_blocks(at: AppTest) -> list[str]:
    """The Python code blocks' text, with the final newline st.code drops restored."""
    return [block.value + "\n" for block in at.code if block.language == "python"]


def downloads(at: AppTest) -> dict[str, object]:
    """The download buttons of the reproduce stage, by key."""
    return {button.key: button for button in at.get("download_button") if button.key in DOWNLOADS}


def test_code_block_is_the_generated_script_for_the_settings():
    at = run_app(opened=OPEN)
    assert not at.exception
    assert TITLE["en"] in [h.value for h in at.header]
    assert python_blocks(at) == [python_source(DEFAULT)]
    source = python_blocks(at)[0]
    assert "seed = 123" in source and "dim = 256  # numbers per vector" in source


def test_code_block_follows_the_controls():
    at = run_app(opened=OPEN, seed=7, dim=5, positional="sinusoidal", text='say "hi"\\n')
    at.number_input(key="seed").set_value(9).run()
    at.toggle(key="all_dims").set_value(True).run()
    assert not at.exception
    (source,) = python_blocks(at)
    assert source == python_source(
        'say "hi"\\n', EmbeddingSpec(dim=5, seed=9, positional="sinusoidal"), shown_dims=5
    )
    assert "text = 'say \"hi\"\\\\n'" in source  # the sentence as a Python literal


def test_code_and_downloads_wait_until_opened():
    """Closed (the default), the reproduce stage shows its title and intro but generates no code and
    registers no download; opening the expander builds both."""
    at = run_app()
    assert TITLE["en"] in [h.value for h in at.header]
    assert python_blocks(at) == [] and downloads(at) == {}
    at.session_state["open-reproduce"] = True
    at.run()
    assert python_blocks(at) == [python_source(DEFAULT)]
    assert set(downloads(at)) == set(DOWNLOADS)


def test_downloads_are_present_and_built_only_on_click():
    at = run_app(opened=OPEN, dim=12, seed=4)
    assert not at.exception
    buttons = downloads(at)
    assert set(buttons) == set(DOWNLOADS)
    for button in buttons.values():
        proto = button.proto
        # A callable was registered (deferred_file_id) and no bytes were sent with the page (no url).
        assert proto.HasField("deferred_file_id") and proto.deferred_file_id
        assert proto.url == ""


@pytest.mark.parametrize(
    "query",
    [
        {"text": "Hi"},  # one token
        {"dim": 1},
        {"positional": "none"},
        {"positional": "sinusoidal", "dim": 3},
        {"lang": "de"},
        {"text": "</script><script>alert(1)</script> '''\"\"\" \\ <|endoftext|> 🙂", "dim": 2},
        {"encoding": "gpt2", "context_length": 7, "text": DEFAULT},  # exactly as many tokens as rows
    ],
    ids=["one-token", "dim-1", "positional-none", "sinusoidal", "german", "hostile-text", "tight-context"],
)
def test_edge_settings_render_without_exception(query):
    at = run_app(opened=OPEN, **query)
    assert not at.exception
    lang = query.get("lang", "en")
    assert TITLE[lang] in [h.value for h in at.header]
    assert len(python_blocks(at)) == 1
    offered = set(DOWNLOADS) - ({"export-projector"} if query.get("dim") == 1 else set())
    assert set(downloads(at)) == offered
    if lang == "de":
        labels = {button.label for button in downloads(at).values()}
        assert labels == {"Vektoren (CSV)", "Embedding Projector (ZIP)", "3D-Ansicht (HTML)"}


def test_file_names_come_from_the_settings_only():
    result = embedviz.embed("=cmd|' /C calc'!A0 ../../etc/passwd", dim=12, seed=4, positional="none")
    assert file_stem(result) == "embedviz-gpt2-dim12-seed4-none"


def test_no_section_without_tokens():
    at = run_app(opened=OPEN, text="")
    assert not at.exception
    assert TITLE["en"] not in [h.value for h in at.header]
    assert not downloads(at)


@pytest.mark.parametrize(("dim", "offered"), [(1, False), (2, True)])
def test_projector_export_from_two_dimensions(dim, offered):
    """The Embedding Projector refuses one-number vectors: at dim=1 no button, a caption says why."""
    at = run_app(opened=OPEN, dim=dim)
    assert not at.exception
    assert ("export-projector" in downloads(at)) is offered
    why = [c.value for c in at.caption if "refuses vectors with only one number" in c.value]
    assert len(why) == (0 if offered else 1)
    assert all("at least 2 dimensions" in text for text in why)
