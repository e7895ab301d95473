"""Strings of the training lesson "tokens used alike end up alike" ("lesson." and the "lesson" choice of
the training text), shown by the train view after a run on the lesson corpus (ui/sections/lesson.py)."""

STRINGS: dict[str, tuple[str, str]] = {
    "train.source.lesson": (
        "Words used alike (built-in exercise)",
        "Gleich verwendete Wörter (eingebaute Übung)",
    ),
    "lesson.title": ("Tokens used alike end up alike", "Gleich verwendete Tokens werden einander ähnlich"),
    "lesson.intro": (
        "The exercise text is made of short sentences in which animals, colours, numbers and days fill the "
        "same places: “The cat ate its food”, “The dog ate its food”. Words of a group are followed by the "
        "same tokens, so training pushes their embeddings the same way. At step 0 the embeddings are "
        "random and a group's words are no more alike than any two words (cosine about 0).",
        "Der Übungstext besteht aus kurzen Sätzen, in denen Tiere, Farben, Zahlen und Wochentage an "
        "denselben Stellen stehen: „The cat ate its food“, „The dog ate its food“. Auf die Wörter einer "
        "Gruppe folgen dieselben Tokens, also schiebt das Training ihre Embeddings in dieselbe Richtung. "
        "In Schritt 0 sind die Embeddings zufällig, und die Wörter einer Gruppe sind einander nicht "
        "ähnlicher als zwei beliebige Wörter (Kosinus etwa 0).",
    ),
    "lesson.start": ("step 0", "Schritt 0"),
    "lesson.end": ("after {steps} steps", "nach {steps} Schritten"),
    "lesson.across": ("words of different groups", "Wörter verschiedener Gruppen"),
    "lesson.axis": ("mean cosine similarity of word pairs", "mittlere Kosinus-Ähnlichkeit der Wortpaare"),
    "lesson.group.animals": ("animals", "Tiere"),
    "lesson.group.colours": ("colours", "Farben"),
    "lesson.group.numbers": ("numbers", "Zahlen"),
    "lesson.group.days": ("days", "Wochentage"),
    "lesson.map_caption.clustered": (
        "Each map shows the {n_words} group words on their own two main directions (PCA). At step 0 the "
        "colours are mixed; after {steps} steps the words of each group have moved together (mean cosine "
        "{within} within a group, {across} across groups), so the groups form clusters.",
        "Jede Karte zeigt die {n_words} Gruppenwörter auf ihren eigenen zwei Hauptrichtungen (PCA). In "
        "Schritt 0 sind die Farben gemischt; nach {steps} Schritten sind die Wörter jeder Gruppe "
        "zusammengerückt (mittlerer Kosinus {within} innerhalb einer Gruppe, {across} zwischen Gruppen), "
        "die Gruppen bilden also Haufen.",
    ),
    "lesson.map_caption.drawing": (
        "Each map shows the {n_words} group words on their own two main directions (PCA). At step 0 the "
        "colours are mixed; after {steps} steps the words of each group have begun to move together (mean "
        "cosine {within} within a group, {across} across groups): train for more steps to see clear "
        "clusters.",
        "Jede Karte zeigt die {n_words} Gruppenwörter auf ihren eigenen zwei Hauptrichtungen (PCA). In "
        "Schritt 0 sind die Farben gemischt; nach {steps} Schritten haben die Wörter jeder Gruppe begonnen "
        "zusammenzurücken (mittlerer Kosinus {within} innerhalb einer Gruppe, {across} zwischen Gruppen): "
        "Trainieren Sie mehr Schritte, damit deutliche Haufen entstehen.",
    ),
    "lesson.map_caption.mixed": (
        "Each map shows the {n_words} group words on their own two main directions (PCA). At step 0 the "
        "colours are mixed, and after {steps} steps the groups have not separated yet (mean cosine {within} "
        "within a group, {across} across groups): train for more steps to see them form clusters.",
        "Jede Karte zeigt die {n_words} Gruppenwörter auf ihren eigenen zwei Hauptrichtungen (PCA). In "
        "Schritt 0 sind die Farben gemischt, und nach {steps} Schritten haben sich die Gruppen noch nicht "
        "getrennt (mittlerer Kosinus {within} innerhalb einer Gruppe, {across} zwischen Gruppen): Trainieren "
        "Sie mehr Schritte, damit sie Haufen bilden.",
    ),
    "lesson.caption": (
        "Mean cosine of two words of the same group: {start} at step 0, {within} after training; of two "
        "words of different groups: {across}. 1 means the same direction, 0 unrelated.",
        "Mittlerer Kosinus zweier Wörter derselben Gruppe: {start} in Schritt 0, {within} nach dem "
        "Training; zweier Wörter verschiedener Gruppen: {across}. 1 heißt gleiche Richtung, 0 unabhängig.",
    ),
}
