"""Strings of the pipeline's reproduce stage: the same numbers in Python, and the downloads."""

STRINGS: dict[str, tuple[str, str]] = {
    "repro.title": ("Reproduce and export", "Nachrechnen und exportieren"),
    "repro.intro.one": (
        "The token ids and the tables above come from a few lines of PyTorch, the same as in the lesson. "
        "Paste this code into a notebook with `torch` and `tiktoken` installed: it prints the same token "
        "ids and the same numbers as the tables above (the one dimension, 4 decimals).",
        "Die Token-IDs und die Tabellen oben stammen aus wenigen Zeilen PyTorch, genau wie im Lehrtext. "
        "Fügen Sie diesen Code in ein Notebook mit `torch` und `tiktoken` ein: Er gibt dieselben Token-IDs "
        "und dieselben Zahlen aus wie die Tabellen oben (die eine Dimension, 4 Nachkommastellen).",
    ),
    "repro.intro.other": (
        "The token ids and the tables above come from a few lines of PyTorch, the same as in the lesson. "
        "Paste this code into a notebook with `torch` and `tiktoken` installed: it prints the same token "
        "ids and the same numbers as the tables above (first {shown} of {count} dimensions, 4 decimals).",
        "Die Token-IDs und die Tabellen oben stammen aus wenigen Zeilen PyTorch, genau wie im Lehrtext. "
        "Fügen Sie diesen Code in ein Notebook mit `torch` und `tiktoken` ein: Er gibt dieselben Token-IDs "
        "und dieselben Zahlen aus wie die Tabellen oben (die ersten {shown} von {count} Dimensionen, 4 "
        "Nachkommastellen).",
    ),
    "repro.offline": (
        "`tiktoken.get_encoding` downloads the vocabulary once. Without internet, use the commented "
        "lines: they read the copy of GPT-2's vocabulary that ships with embedviz, "
        "`embedviz/assets/gpt2.tiktoken`.",
        "`tiktoken.get_encoding` lädt das Vokabular einmal herunter. Ohne Internet nehmen Sie die "
        "auskommentierten Zeilen: Sie lesen die Kopie des GPT-2-Vokabulars, die embedviz mitbringt: "
        "`embedviz/assets/gpt2.tiktoken`.",
    ),
    "repro.download": (
        "`tiktoken.get_encoding` downloads this encoding's vocabulary once, so the first run needs internet.",
        "`tiktoken.get_encoding` lädt das Vokabular dieser Kodierung einmal herunter; der erste Lauf braucht "
        "also Internet.",
    ),
    "repro.show": ("Show the Python code and the downloads", "Python-Code und Downloads zeigen"),
    "export.title": ("Downloads", "Downloads"),
    "export.intro": (
        "The {rows:,} vectors of this sentence ({n:,} tokens × token, position and input vector), each with "
        "all {dim:,} numbers at full float32 precision. The files are built when you click.",
        "Die {rows:,} Vektoren dieses Satzes ({n:,} Tokens × Token-, Positions- und Eingabevektor), jeder "
        "mit allen {dim:,} Zahlen in voller float32-Genauigkeit. Die Dateien entstehen beim Klicken.",
    ),
    "export.csv": ("Vectors (CSV)", "Vektoren (CSV)"),
    "export.csv_help": (
        "One row per token and kind: position, token_id, token, kind (token / position / input), "
        "dim_0 … dim_{last}. Opens in a spreadsheet or with pandas.read_csv.",
        "Eine Zeile pro Token und Art: position, token_id, token, kind (token / position / input), "
        "dim_0 … dim_{last}. Öffnet in einer Tabellenkalkulation oder mit pandas.read_csv.",
    ),
    "export.projector": ("Embedding Projector (ZIP)", "Embedding Projector (ZIP)"),
    "export.projector_help": (
        "tensors.tsv and metadata.tsv for projector.tensorflow.org: unzip, click “Load” and choose both "
        "files. There you can explore the vectors with PCA, t-SNE or UMAP.",
        "tensors.tsv und metadata.tsv für projector.tensorflow.org: entpacken, auf „Load“ klicken und "
        "beide Dateien wählen. Dort lassen sich die Vektoren mit PCA, t-SNE oder UMAP erkunden.",
    ),
    "export.projector_too_few_dims": (
        "No Embedding Projector file at 1 dimension: the Projector refuses vectors with only one number. "
        "Choose at least {min_dim} dimensions to get it.",
        "Keine Datei für den Embedding Projector bei 1 Dimension: Der Projector lehnt Vektoren mit nur einer "
        "Zahl ab. Wählen Sie mindestens {min_dim} Dimensionen, um sie zu bekommen.",
    ),
    "export.html": ("3D view (HTML)", "3D-Ansicht (HTML)"),
    "export.html_help": (
        "The 3D view as one web page (about 5 MB, plotly.js included): opens in any browser, also offline, "
        "and still rotates.",
        "Die 3D-Ansicht als eine Webseite (etwa 5 MB, plotly.js inklusive): öffnet in jedem Browser, auch "
        "offline, und lässt sich weiter drehen.",
    ),
    "export.html_title": (
        "“{sentence}” · {n:,} tokens · dim {dim:,} · seed {seed} · positions: {positional}",
        "„{sentence}“ · {n:,} Tokens · Dim. {dim:,} · Seed {seed} · Positionen: {positional}",
    ),
    "export.png": (
        "A picture of the 3D view: the camera icon in the chart's toolbar (top right of section {section}) "
        "saves a PNG.",
        "Ein Bild der 3D-Ansicht: Das Kamera-Symbol in der Werkzeugleiste des Diagramms (oben rechts in "
        "Abschnitt {section}) speichert ein PNG.",
    ),
}
