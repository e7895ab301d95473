"""Strings a screen reader reads in place of the charts (embedviz/ui/chart_text.py)."""

STRINGS: dict[str, tuple[str, str]] = {
    "a11y.heatmap": (
        "Chart: a heatmap of the {what}, {rows:,} rows (tokens) by {cols:,} columns (dimensions). Blue cells "
        "are negative, red positive, white near 0; the values run from {low:.4f} to {high:.4f}. The table "
        "“Exact numbers” below has every number.",
        "Diagramm: eine Heatmap der {what}, {rows:,} Zeilen (Tokens) mal {cols:,} Spalten (Dimensionen). "
        "Blaue Zellen sind negativ, rote positiv, weiße nahe 0; die Werte reichen von {low:.4f} bis "
        "{high:.4f}. Die Tabelle „Genaue Zahlen“ darunter enthält alle Zahlen.",
    ),
    "a11y.heatmap.first": (
        "Chart: a heatmap of the {what}, {rows:,} rows (tokens) by {cols:,} columns (dimensions). Blue cells "
        "are negative, red positive, white near 0; the values run from {low:.4f} to {high:.4f}. The table "
        "“Exact numbers” below has the numbers of the first dimensions, and every number with “Show all "
        "dimensions” on.",
        "Diagramm: eine Heatmap der {what}, {rows:,} Zeilen (Tokens) mal {cols:,} Spalten (Dimensionen). "
        "Blaue Zellen sind negativ, rote positiv, weiße nahe 0; die Werte reichen von {low:.4f} bis "
        "{high:.4f}. Die Tabelle „Genaue Zahlen“ darunter enthält die Zahlen der ersten Dimensionen, mit "
        "„Alle Dimensionen zeigen“ alle Zahlen.",
    ),
    "a11y.heatmap.alone": (
        "Chart: a heatmap of the {what}, {rows:,} rows (tokens) by {cols:,} columns (dimensions). Blue cells "
        "are negative, red positive, white near 0; the values run from {low:.4f} to {high:.4f}.",
        "Diagramm: eine Heatmap der {what}, {rows:,} Zeilen (Tokens) mal {cols:,} Spalten (Dimensionen). "
        "Blaue Zellen sind negativ, rote positiv, weiße nahe 0; die Werte reichen von {low:.4f} bis "
        "{high:.4f}.",
    ),
    "a11y.space": (
        "3D chart: {n:,} token vectors (diamonds), {n:,} position vectors (squares) and {n:,} input "
        "embeddings (circles), reduced by PCA from {dim:,} to 3 dimensions, with a dashed line from each "
        "token vector to its input embedding. The three axes keep {first:.1%}, {second:.1%} and "
        "{third:.1%} of the variance, {total:.1%} together.",
        "3D-Diagramm: {n:,} Token-Vektoren (Rauten), {n:,} Positionsvektoren (Quadrate) und {n:,} "
        "Eingabe-Embeddings (Kreise), per PCA von {dim:,} auf 3 Dimensionen reduziert, mit einer "
        "gestrichelten Linie von jedem Token-Vektor zu seinem Eingabe-Embedding. Die drei Achsen behalten "
        "{first:.1%}, {second:.1%} und {third:.1%} der Varianz, zusammen {total:.1%}.",
    ),
    "a11y.space.reference": (
        "3D chart: {n:,} token vectors (diamonds), {n:,} position vectors (squares) and {n:,} input "
        "embeddings (circles), projected from {dim:,} to 3 dimensions on PCA axes fitted on a fixed "
        "reference sample, with a dashed line from each token vector to its input embedding. The three axes "
        "keep {first:.1%}, {second:.1%} and {third:.1%} of the reference's variance, and {total:.1%} of the "
        "variance of these points.",
        "3D-Diagramm: {n:,} Token-Vektoren (Rauten), {n:,} Positionsvektoren (Quadrate) und {n:,} "
        "Eingabe-Embeddings (Kreise), von {dim:,} auf 3 Dimensionen projiziert, auf PCA-Achsen, die an eine "
        "feste Referenz-Stichprobe angepasst sind, mit einer gestrichelten Linie von jedem Token-Vektor zu "
        "seinem Eingabe-Embedding. Die drei Achsen behalten {first:.1%}, {second:.1%} und {third:.1%} der "
        "Varianz der Referenz und {total:.1%} der Varianz dieser Punkte.",
    ),
    "a11y.cosines": (
        "Chart: a heatmap of the cosine of every pair of the {n:,} input embeddings, with the tokens in "
        "sentence order as rows and as columns. Red cells are near 1 (same direction), white near 0 (at "
        "right angles), blue near −1 (opposite). The diagonal is 1 (each vector with itself); the other "
        "cells run from {low:.4f} to {high:.4f}.",
        "Diagramm: eine Heatmap des Kosinus jedes Paars der {n:,} Eingabe-Embeddings, mit den Tokens in "
        "der Reihenfolge des Satzes als Zeilen und als Spalten. Rote Zellen liegen nahe 1 (gleiche "
        "Richtung), weiße nahe 0 (rechtwinklig), blaue nahe −1 (entgegengesetzt). Die Diagonale ist 1 "
        "(jeder Vektor mit sich selbst); die übrigen Zellen reichen von {low:.4f} bis {high:.4f}.",
    ),
    "a11y.cosines_one": (
        "Chart: a heatmap of one cell, the cosine of the sentence's only input embedding with itself: 1.",
        "Diagramm: eine Heatmap mit einer Zelle, dem Kosinus des einzigen Eingabe-Embeddings des Satzes "
        "mit sich selbst: 1.",
    ),
}
