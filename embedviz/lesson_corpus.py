"""Make the lesson corpus ``assets/lesson-corpus.txt`` (deterministic; the shipped file is its output).

Regenerate it from the repository root with::

    python -m embedviz.lesson_corpus

Every group of :data:`embedviz.lesson.GROUPS` has its own sentence templates; each template is filled with
every word of its group, :data:`REPEATS` times, so in the templates every word of a group is used as often
as the others, in the same contexts: the only thing that tells " cat" from " dog" is its random start.
:data:`STORIES` "story" sentences follow the default sentence's pattern (two words of every group, drawn
at random). The sentences are shuffled with a fixed seed and written one a line, so that a sentence begins
with the same token as when it is typed alone ("The", not " The"). The text opens with the default
sentence itself, and one animal template is the page's default sentence "Today the cat sat on the mat":
every token of both occurs.
The text is written for embedviz (see NOTICE).
"""

from __future__ import annotations

import random

from embedviz.lesson import DEFAULT_SENTENCE, GROUPS, LESSON_PATH

#: Per group: sentences with one slot ``{}`` for a word of that group (always after a space).
TEMPLATES: dict[str, tuple[str, ...]] = {
    "animals": (
        "The {} ate its food.",
        "A {} slept in the barn.",
        "My {} ran across the farm.",
        "The old {} drank some water.",
        "Today the {} sat on the mat.",  # the page's default sentence, "Today the cat sat on the mat"
    ),
    "colours": (
        "She painted the door {}.",
        "He wore a {} coat.",
        "The {} paint was dry.",
        "I like the colour {} best.",
    ),
    "numbers": (
        "We bought {} apples.",
        "There were {} chairs in the room.",
        "It took {} hours to get there.",
        "She has {} brothers.",
    ),
    "days": (
        "The shop is closed on {}.",
        "See you next {} morning.",
        "We go to school on {} and play.",
        "Last {} it rained.",
    ),
}
#: Two words of every group in one sentence, like the default sentence.
STORY = (
    "The {animal} and the {animal} saw {number} {colour} cars on {day} and {number} {colour} cars on {day}."
)
REPEATS = 3
STORIES = 60
SEED = 14


def _story(rng: random.Random) -> str:
    """One story sentence: two different words of each group, drawn from ``rng``."""
    picks = {group: rng.sample(GROUPS[group + "s"], 2) for group in ("animal", "colour", "number", "day")}
    text = STORY
    for slot in range(2):
        for group, words in picks.items():
            text = text.replace("{" + group + "}", words[slot], 1)
    return text


def build_corpus() -> str:
    """The corpus text: every template with every word of its group, plus the stories, shuffled."""
    rng = random.Random(SEED)
    sentences = [
        template.format(word)
        for group, templates in TEMPLATES.items()
        for template in templates
        for word in GROUPS[group]
        for _ in range(REPEATS)
    ]
    sentences += [_story(rng) for _ in range(STORIES)]
    rng.shuffle(sentences)
    # One sentence a line: a sentence starts as a typed one does ("The", not " The"). The default
    # sentence opens the text.
    return "\n".join([DEFAULT_SENTENCE, *sentences]) + "\n"


def main() -> None:
    LESSON_PATH.write_text(build_corpus(), encoding="utf-8")
    print(f"wrote {LESSON_PATH}")


if __name__ == "__main__":
    main()
