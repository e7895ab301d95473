"""Strings of the pipeline's cosines stage: how alike the sentence's input embeddings are, pair by pair."""

STRINGS: dict[str, tuple[str, str]] = {
    "cosines.title": (
        "Cosine similarity of the input embeddings",
        "Kosinus-Ähnlichkeit der Eingabe-Embeddings",
    ),
    "cosines.intro": (
        "How alike are the input embeddings? Each cell is the cosine of the angle between two of them, "
        "computed from the whole vectors (dimension {dim:,}): 1 = same direction, 0 = at right angles, "
        "−1 = opposite. Rows and columns are the sentence's tokens, in order.",
        "Wie ähnlich sind sich die Eingabe-Embeddings? Jede Zelle ist der Kosinus des Winkels zwischen "
        "zweien von ihnen, berechnet aus den ganzen Vektoren (Dimension {dim:,}): 1 = gleiche Richtung, "
        "0 = rechtwinklig, −1 = entgegengesetzt. Zeilen und Spalten sind die Tokens des Satzes, der Reihe "
        "nach.",
    ),
    "cosines.shadow": (
        "The 3D view projects these {dim:,}-dimensional vectors onto 3 directions: two points close "
        "together there can still point different ways here. The cosines are the full picture.",
        "Die 3D-Ansicht projiziert diese {dim:,}-dimensionalen Vektoren auf 3 Richtungen: Zwei Punkte, die "
        "dort nah beieinander liegen, können hier trotzdem in verschiedene Richtungen zeigen. Die "
        "Kosinuswerte zeigen das ganze Bild.",
    ),
    "cosines.axis": ("input embedding (position: token)", "Eingabe-Embedding (Position: Token)"),
    "cosines.hover": ("cosine", "Kosinus"),
    "cosines.cut": (
        "The heatmap shows the first {shown:,} of {n:,} tokens.",
        "Die Heatmap zeigt die ersten {shown:,} von {n:,} Tokens.",
    ),
    "cosines.random": (
        "Before training the token table is random, and the cosine of two random vectors is typically about "
        "1/√{dim} = {spread:.3f} away from 0: the more dimensions, the closer to right angles. The diagonal "
        "is 1: every vector points exactly its own way.",
        "Vor dem Training ist die Token-Tabelle zufällig, und der Kosinus zweier Zufallsvektoren weicht "
        "typischerweise um etwa 1/√{dim} = {spread:.3f} von 0 ab: Je mehr Dimensionen, desto näher am "
        "rechten Winkel. Die Diagonale ist 1: Jeder Vektor zeigt genau in seine eigene Richtung.",
    ),
    "cosines.repeated": (
        "“{token}” stands at positions {first} and {second}: the same token vector plus two different "
        "position vectors. Their cosine is {cosine}; it would be 1 if the positions added nothing.",
        "„{token}“ steht an den Positionen {first} und {second}: derselbe Token-Vektor plus zwei "
        "verschiedene Positionsvektoren. Ihr Kosinus ist {cosine}; ohne Beitrag der Positionen wäre er 1.",
    ),
    "cosines.repeated.none": (
        "“{token}” stands at positions {first} and {second}: without position embeddings both get the same "
        "input vector. Their cosine is {cosine}.",
        "„{token}“ steht an den Positionen {first} und {second}: Ohne Positions-Embeddings bekommen beide "
        "denselben Eingabevektor. Ihr Kosinus ist {cosine}.",
    ),
}
