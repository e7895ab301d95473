"""Strings of the main pipeline page: title, controls and the stages from the tokens to the 3D view.

Section titles have no number: the page puts each stage's number in front (embedviz/ui/stages.py)."""

STRINGS: dict[str, tuple[str, str]] = {
    # Page
    "app.title": ("embedviz", "embedviz"),
    "app.subtitle": (
        "How a language model turns a sentence into vectors: tokens → token embeddings → + position "
        "embeddings → input embeddings → 3D.",
        "Wie ein Sprachmodell einen Satz in Vektoren verwandelt: Tokens → Token-Embeddings → + "
        "Positions-Embeddings → Eingabe-Embeddings → 3D.",
    ),
    "app.notice": (
        "The link had a setting that was changed: {notice}",
        "Eine Einstellung im Link wurde geändert: {notice}",
    ),
    # Values of a link that were changed ({raw} is the link's value, {name} the setting)
    "notice.bool": (
        "{name}={raw} is not true/false; using {default}.",
        "{name}={raw} ist nicht true/false; verwendet wird {default}.",
    ),
    "notice.int": (
        "{name}={raw} is not a whole number; using the default {default}.",
        "{name}={raw} ist keine ganze Zahl; verwendet wird der Standardwert {default}.",
    ),
    "notice.range": (
        "{name}={raw} is outside {low:,}–{high:,}; using the default {default:,}.",
        "{name}={raw} liegt außerhalb von {low:,}–{high:,}; verwendet wird der Standardwert {default:,}.",
    ),
    "notice.choice": (
        "{name}={raw} is not one of {choices}; using {default}.",
        "{name}={raw} ist keiner der Werte {choices}; verwendet wird {default}.",
    ),
    "notice.unknown": ("Unknown setting {name} ignored.", "Unbekannte Einstellung {name} ignoriert."),
    "app.sentence": ("Sentence", "Satz"),
    "app.sentence_help": (
        "Type any text (up to {max_chars:,} characters). Press Ctrl+Enter or click outside to update.",
        "Beliebiger Text (bis {max_chars:,} Zeichen). Zum Aktualisieren Strg+Enter drücken oder außerhalb "
        "klicken.",
    ),
    "app.sentence_help_live": (
        "Type any text (up to {max_chars:,} characters). The page follows as you type.",
        "Beliebiger Text (bis {max_chars:,} Zeichen). Die Seite folgt beim Tippen.",
    ),
    "app.not_in_link": (
        "This sentence is too long to be kept in the page's link: a shared link opens with the default one.",
        "Dieser Satz ist zu lang für den Link der Seite: Ein geteilter Link öffnet sich mit dem "
        "Standardsatz.",
    ),
    "app.empty": (
        "Type a sentence above to see its tokens and vectors.",
        "Geben Sie oben einen Satz ein, um seine Tokens und Vektoren zu sehen.",
    ),
    # Spinners while a slow build runs
    "spinner.token_table": (
        "Building the token embedding table…",
        "Die Token-Embedding-Tabelle wird erzeugt …",
    ),
    "spinner.reference": (
        "Fitting the fixed reference axes…",
        "Die festen Referenzachsen werden berechnet …",
    ),
    # Views and presenter mode
    "view.label": ("View", "Ansicht"),
    "view.pipeline": ("Sentence → vectors", "Satz → Vektoren"),
    "view.seed": ("The lesson's examples", "Beispiele aus dem Lehrtext"),
    "view.batches": ("Batches", "Batches"),
    "view.order": ("Word order", "Wortreihenfolge"),
    "view.train": ("Training & GPT-2", "Training & GPT-2"),
    "presenter.toggle": ("Presenter mode", "Präsentationsmodus"),
    "presenter.toggle_help": (
        "Large type, controls tucked away, and the pipeline revealed step by step.",
        "Große Schrift, eingeklappte Einstellungen und die Pipeline Schritt für Schritt.",
    ),
    "presenter.back": ("◀ Back", "◀ Zurück"),
    "presenter.next": ("Next ▶", "Weiter ▶"),
    "presenter.step": ("Step {step} of {total}:", "Schritt {step} von {total}:"),
    "presenter.stage.tokens": ("Tokens", "Tokens"),
    "presenter.stage.token": ("Token embeddings (lookup)", "Token-Embeddings (Nachschlagen)"),
    "presenter.stage.position": ("Position embeddings", "Positions-Embeddings"),
    "presenter.stage.input": ("Input embedding = token + position", "Eingabe-Embedding = Token + Position"),
    "presenter.stage.space": ("The 3D view", "Die 3D-Ansicht"),
    "presenter.stage.cosines": (
        "Cosines: how alike the inputs are",
        "Kosinus: wie ähnlich die Eingaben sind",
    ),
    "presenter.settings": ("Model settings", "Modell-Einstellungen"),
    # Controls
    "controls.header": ("Model settings", "Modell-Einstellungen"),
    "controls.language": ("Language / Sprache", "Sprache / Language"),
    "controls.encoding": ("Tokenizer (encoding)", "Tokenizer (Kodierung)"),
    "controls.encoding.gpt2": ("GPT-2 · 50,257 tokens · offline", "GPT-2 · 50.257 Tokens · offline"),
    "controls.encoding.r50k_base": ("r50k_base · GPT-3 · download", "r50k_base · GPT-3 · Download"),
    "controls.encoding.p50k_base": ("p50k_base · Codex · download", "p50k_base · Codex · Download"),
    "controls.encoding.cl100k_base": ("cl100k_base · GPT-4 · download", "cl100k_base · GPT-4 · Download"),
    "controls.encoding.o200k_base": ("o200k_base · GPT-4o · download", "o200k_base · GPT-4o · Download"),
    "controls.dim": ("Embedding dimension", "Embedding-Dimension"),
    "controls.dim_help": (
        "Numbers per vector (the lesson uses 256; GPT-2 small uses 768). 1 to {max:,}.",
        "Zahlen pro Vektor (der Lehrtext nutzt 256, GPT-2 small 768). 1 bis {max:,}.",
    ),
    "controls.seed": ("Random seed", "Zufalls-Seed"),
    "controls.seed_help": (
        "torch.manual_seed(seed) before the tables are drawn: the same seed always gives the same numbers.",
        "torch.manual_seed(seed) vor dem Erzeugen der Tabellen: Gleicher Seed, gleiche Zahlen.",
    ),
    "controls.positional": ("Position embeddings", "Positions-Embeddings"),
    "controls.positional.learned": (
        "learnable (GPT; random until trained)",
        "lernbar (GPT; zufällig bis zum Training)",
    ),
    "controls.positional.sinusoidal": ("sinusoidal (fixed)", "sinusförmig (fest)"),
    "controls.positional.none": ("none (bag of words)", "keine (Bag of Words)"),
    "controls.context_length": ("Context length", "Kontextlänge"),
    "controls.context_help": (
        "Rows of the position table: the most tokens the model can take at once (GPT-2: 1,024).",
        "Zeilen der Positionstabelle: so viele Tokens kann das Modell höchstens auf einmal verarbeiten "
        "(GPT-2: 1.024).",
    ),
    "controls.reset": ("Reset all settings", "Alle Einstellungen zurücksetzen"),
    # Tokens
    "tokens.title": ("Tokens", "Tokens"),
    "tokens.intro": (
        "The byte-pair encoding of {encoding} cuts the text into pieces from a vocabulary of {n_vocab:,} "
        "tokens. Each token is only an id: the row it will look up in the embedding table. Spaces belong to "
        "the word after them (␣), and rare characters can be split into byte fragments.",
        "Das Byte-Pair-Encoding von {encoding} zerlegt den Text in Stücke aus einem Vokabular von "
        "{n_vocab:,} Tokens. Jedes Token ist nur eine ID: die Nummer der Zeile, die gleich in der "
        "Embedding-Tabelle nachgeschlagen wird. Ein Leerzeichen gehört zum folgenden Wort (␣), seltene "
        "Zeichen können in Byte-Stücke zerfallen.",
    ),
    "tokens.counts": ("{chars} → {tokens}", "{chars} → {tokens}"),
    "tokens.id": ("id", "ID"),
    # Counts, in the singular or plural as the language's CLDR rule says (embedviz.ui.i18n.t_plural)
    "count.character.one": ("{count:,} character", "{count:,} Zeichen"),
    "count.character.other": ("{count:,} characters", "{count:,} Zeichen"),
    "count.token.one": ("{count:,} token", "{count:,} Token"),
    "count.token.other": ("{count:,} tokens", "{count:,} Tokens"),
    "count.dimension.one": ("{count:,} dimension", "{count:,} Dimension"),
    "count.dimension.other": ("{count:,} dimensions", "{count:,} Dimensionen"),
    "count.point.one": ("{count:,} point", "{count:,} Punkt"),
    "count.point.other": ("{count:,} points", "{count:,} Punkte"),
    "count.direction.one": ("{count:,} direction", "{count:,} Richtung"),
    "count.direction.other": ("{count:,} directions", "{count:,} Richtungen"),
    "tokens.legend": (
        "Same colour = same token id. ␣ space · ↵ newline · → tab · <F0 9F> bytes of a split character · "
        "dashed = special token. Hover a chip for its bytes.",
        "Gleiche Farbe = gleiche Token-ID. ␣ Leerzeichen · ↵ Zeilenumbruch · → Tab · <F0 9F> Bytes eines "
        "geteilten Zeichens · gestrichelt = Spezial-Token. Fährt die Maus über ein Token, zeigt es seine "
        "Bytes.",
    ),
    "tokens.bytes": ("bytes", "Bytes"),
    "tokens.ids": ("Token ids", "Token-IDs"),
    "tokens.too_many_chips": (
        "Showing the first {shown:,} of {total:,} tokens as chips; all ids are listed below.",
        "Die ersten {shown:,} von {total:,} Tokens als Kärtchen; alle IDs stehen darunter.",
    ),
    "tokens.too_many_chips.alone": (  # the followers' page of a class: no list of ids
        "Showing the first {shown:,} of {total:,} tokens as chips.",
        "Die ersten {shown:,} von {total:,} Tokens als Kärtchen.",
    ),
    # Token, position and input vectors
    "vectors.token.title": ("Token embeddings", "Token-Embeddings"),
    "vectors.token.intro": (
        "Each id selects one row of a seeded table `torch.nn.Embedding({n_vocab}, {dim})`. Before "
        "training these numbers are random (mean 0, standard deviation 1); training adjusts them. The same "
        "token always gets the same vector, wherever it stands.",
        "Jede ID wählt eine Zeile einer Tabelle `torch.nn.Embedding({n_vocab}, {dim})` mit festem Seed. "
        "Vor dem Training sind diese Zahlen zufällig (Mittelwert 0, Standardabweichung 1); das Training "
        "passt sie an. Dasselbe Token bekommt immer denselben Vektor, egal wo es steht.",
    ),
    # "Same token, same vector", staged as a question (sections 2 to 4) when a token repeats
    "vectors.token.same": (
        "Rows {first} and {second} are the same token, “{token}”, so they are the same vector, number for "
        "number. How can the model tell these two positions apart? The next section answers.",
        "Die Zeilen {first} und {second} sind dasselbe Token, „{token}“, und damit derselbe Vektor, Zahl für "
        "Zahl. Wie kann das Modell diese beiden Positionen auseinanderhalten? Die Antwort folgt im nächsten "
        "Abschnitt.",
    ),
    "vectors.position.answer": (
        "The answer: every position has a vector of its own. Rows {first} and {second} of this table "
        "differ, so “{token}” gets a different input at each of its positions.",
        "Die Antwort: Jede Position hat einen eigenen Vektor. Die Zeilen {first} und {second} dieser "
        "Tabelle unterscheiden sich, also bekommt „{token}“ an jeder seiner Positionen eine andere Eingabe.",
    ),
    "vectors.position.answer.none": (
        "Here there is no answer: without position embeddings every row of this table is zero, so "
        "“{token}” gets the same input at positions {first} and {second}.",
        "Hier gibt es keine Antwort: Ohne Positions-Embeddings ist jede Zeile dieser Tabelle null, also "
        "bekommt „{token}“ an den Positionen {first} und {second} dieselbe Eingabe.",
    ),
    "vectors.input.differ": (
        "Rows {first} and {second} (“{token}”) now differ: the cosine of their input embeddings in "
        "{dims} is {cosine:.4f}; that of their token embeddings is {token_cosine:.4f}.",
        "Die Zeilen {first} und {second} („{token}“) unterscheiden sich jetzt: Der Kosinus ihrer "
        "Eingabe-Embeddings in {dims} ist {cosine:.4f}, der ihrer Token-Embeddings {token_cosine:.4f}.",
    ),
    "vectors.input.same": (
        "Rows {first} and {second} (“{token}”) are still identical (cosine {cosine:.4f}): without positions "
        "the model cannot tell them apart.",
        "Die Zeilen {first} und {second} („{token}“) sind immer noch gleich (Kosinus {cosine:.4f}): Ohne "
        "Positionen kann das Modell sie nicht unterscheiden.",
    ),
    "vectors.position.title": ("Position embeddings", "Positions-Embeddings"),
    "vectors.position.intro.learned": (
        "A second table, `torch.nn.Embedding({context_length}, {dim})`, holds one learnable vector per "
        "position 0, 1, 2, … (random until trained, like the token table). It tells the model *where* a "
        "token stands: without it a sentence is a bag of words.",
        "Eine zweite Tabelle, `torch.nn.Embedding({context_length}, {dim})`, hat einen lernbaren Vektor pro "
        "Position 0, 1, 2, … (zufällig, bis das Modell trainiert wird, wie die Token-Tabelle). Sie sagt dem "
        "Modell, *wo* ein Token steht: Ohne sie ist ein Satz nur ein Sack voller Wörter (Bag of Words).",
    ),
    "vectors.position.intro.sinusoidal": (
        "Fixed sine and cosine waves (Vaswani et al. 2017): PE[p, 2i] = sin(p / 10000^(2i/{dim})), "
        "PE[p, 2i+1] = cos(p / 10000^(2i/{dim})). Nothing is learned; every position still gets its own "
        "vector.",
        "Feste Sinus- und Kosinuswellen (Vaswani et al. 2017): PE[p, 2i] = sin(p / 10000^(2i/{dim})), "
        "PE[p, 2i+1] = cos(p / 10000^(2i/{dim})). Nichts wird gelernt; trotzdem hat jede Position ihren "
        "eigenen Vektor.",
    ),
    "vectors.position.intro.none": (
        "No position embeddings: every position vector is zero, so the input is the token vectors alone "
        "and word order is lost: “the cat sat on the mat” and “the mat sat on the cat” are the same tokens, "
        "so the model receives the same set of vectors.",
        "Keine Positions-Embeddings: Jeder Positionsvektor ist null, die Eingabe besteht nur aus den "
        "Token-Vektoren, und die Wortreihenfolge geht verloren: „Die Katze saß auf der Matte“ und „Die "
        "Matte saß auf der Katze“ bestehen aus denselben Tokens, das Modell bekommt also dieselben Vektoren.",
    ),
    "vectors.input.title": ("Input embedding = token + position", "Eingabe-Embedding = Token + Position"),
    "vectors.input.intro": (
        "The model's input is the element-wise sum. It keeps the dimension ({dim}), and now the same word at "
        "two positions has two different vectors.",
        "Die Eingabe des Modells ist die elementweise Summe. Sie behält die Dimension ({dim}), und nun hat "
        "dasselbe Wort an zwei Positionen zwei verschiedene Vektoren.",
    ),
    "vectors.input.intro.none": (
        "The model's input is the element-wise sum. It keeps the dimension ({dim}); with every position "
        "vector zero it equals the token vectors, so the same word at two positions still has one and the "
        "same vector.",
        "Die Eingabe des Modells ist die elementweise Summe. Sie behält die Dimension ({dim}); da jeder "
        "Positionsvektor null ist, gleicht sie den Token-Vektoren: Dasselbe Wort hat an zwei Positionen "
        "immer noch ein und denselben Vektor.",
    ),
    "vectors.shape": (
        "Shape: ({n:,}, {dim:,}), one row per token.",
        "Form: ({n:,}, {dim:,}), eine Zeile pro Token.",
    ),
    "vectors.cut": (
        "The heatmap shows tokens 0–{rows} and dimensions 0–{cols} of ({n:,}, {dim:,}); the table “Exact "
        "numbers” below has every number.",
        "Die Heatmap zeigt die Tokens 0–{rows} und die Dimensionen 0–{cols} von ({n:,}, {dim:,}); die "
        "Tabelle „Genaue Zahlen“ darunter enthält alle Zahlen.",
    ),
    "vectors.cut.first": (
        "The heatmap shows tokens 0–{rows} and dimensions 0–{cols} of ({n:,}, {dim:,}); the table “Exact "
        "numbers” below shows the first {shown} dimensions, and every number with “Show all dimensions” on.",
        "Die Heatmap zeigt die Tokens 0–{rows} und die Dimensionen 0–{cols} von ({n:,}, {dim:,}); die "
        "Tabelle „Genaue Zahlen“ darunter zeigt die ersten {shown} Dimensionen, mit „Alle Dimensionen "
        "zeigen“ alle Zahlen.",
    ),
    "vectors.dimension": ("dimension", "Dimension"),
    "vectors.dim": ("dim", "Dim."),
    "vectors.numbers": ("Exact numbers", "Genaue Zahlen"),
    "vectors.all_dims": ("Show all dimensions", "Alle Dimensionen zeigen"),
    "vectors.first_dims.one": ("The one dimension, 4 decimals.", "Die eine Dimension, 4 Nachkommastellen."),
    "vectors.first_dims.other": (
        "First {shown} of {count} dimensions, 4 decimals.",
        "Die ersten {shown} von {count} Dimensionen, 4 Nachkommastellen.",
    ),
    "vectors.row": ("token", "Token"),
    "sum.pick": ("Token to look at", "Token zum Anschauen"),
    "sum.token": ("token vector", "Token-Vektor"),
    "sum.position": ("position vector", "Positionsvektor"),
    "sum.input": ("input embedding", "Eingabe-Embedding"),
    "sum.worked.one": (
        "Worked sum for the one dimension, as the lesson writes it:",
        "Die Summe für die eine Dimension, so geschrieben wie im Lehrtext:",
    ),
    "sum.worked.other": (
        "Worked sum for the first {count} dimensions, as the lesson writes it:",
        "Die Summe für die ersten {count} Dimensionen, so geschrieben wie im Lehrtext:",
    ),
    "sum.rounding": (
        "Numbers are rounded to 4 decimals; the sum is computed from the exact float32 values, so a last "
        "digit can differ from adding the rounded numbers.",
        "Die Zahlen sind auf 4 Nachkommastellen gerundet; die Summe stammt aus den exakten float32-Werten, "
        "daher kann die letzte Stelle von der Summe der gerundeten Zahlen abweichen.",
    ),
    # The 3D view
    "space.title": ("The 3D view", "Die 3D-Ansicht"),
    "space.intro": (
        "PCA projects the {dim}-dimensional vectors onto the 3 directions along which they vary most "
        "(axis titles: the share of the variance each keeps). Each dashed line goes from a token vector "
        "to its input embedding: that step is the token's position vector. Drag to rotate, click the "
        "legend to hide a set.",
        "Die PCA projiziert die {dim}-dimensionalen Vektoren auf die 3 Richtungen, in denen sie am "
        "stärksten streuen (Achsentitel: der Anteil der Varianz, den jede behält). Jede gestrichelte Linie "
        "führt von einem Token-Vektor zu seinem Eingabe-Embedding: Dieser Schritt ist der Positionsvektor. "
        "Zum Drehen ziehen; ein Klick auf die Legende blendet eine Gruppe aus.",
    ),
    "space.reading": (
        "How to read it: the axes are drawn to scale, and their origin is the mean of the points, not the "
        "zero vector. The picture is a shadow of the {dim}-dimensional space: it keeps the share of the "
        "spread said below, so two points that look close can still be far apart, and angles are not the "
        "true ones. The true cosine of every two tokens, in all dimensions, is in the next section.",
        "So liest man das Bild: Die Achsen sind maßstabsgetreu, und ihr Ursprung ist der Mittelwert der "
        "Punkte, nicht der Nullvektor. Das Bild ist ein Schatten des {dim}-dimensionalen Raums: Es behält "
        "nur den unten genannten Anteil der Streuung, daher können zwei Punkte, die nah aussehen, weit "
        "voneinander entfernt sein, und die Winkel sind nicht die echten. Den echten Kosinus je zweier "
        "Tokens, in allen Dimensionen, zeigt der nächste Abschnitt.",
    ),
    "space.reading.exact": (
        "How to read it: the axes are drawn to scale, and their origin is the mean of the points, not the "
        "zero vector. These points span at most 3 directions, so the picture keeps all of their spread and "
        "their distances are the true ones; angles seen from the plot's origin are not the angles between "
        "the vectors. The true cosine of every two tokens, in all dimensions, is in the next section.",
        "So liest man das Bild: Die Achsen sind maßstabsgetreu, und ihr Ursprung ist der Mittelwert der "
        "Punkte, nicht der Nullvektor. Diese Punkte spannen höchstens 3 Richtungen auf, daher behält das "
        "Bild ihre ganze Streuung, und ihre Abstände sind die echten; Winkel, vom Ursprung des Bildes aus "
        "gesehen, sind aber nicht die Winkel zwischen den Vektoren. Den echten Kosinus je zweier Tokens, "
        "in allen Dimensionen, zeigt der nächste Abschnitt.",
    ),
    "space.fit": ("Fit the 3D axes on", "3D-Achsen anpassen an"),
    "space.fit.sentence": ("this sentence", "diesen Satz"),
    "space.fit.reference": (
        "a fixed reference (stable while typing)",
        "eine feste Referenz (stabil beim Tippen)",
    ),
    "space.camera": ("Camera", "Kamera"),
    "space.camera.default": ("default", "Standard"),
    "space.camera.top": ("from above", "von oben"),
    "space.camera.front": ("from the front", "von vorn"),
    "space.camera.side": ("from the side", "von der Seite"),
    "space.legend.token": ("token vectors", "Token-Vektoren"),
    "space.legend.position": ("position vectors", "Positionsvektoren"),
    "space.legend.input": ("input embeddings", "Eingabe-Embeddings"),
    "space.legend.arrow": ("token → input (= + position)", "Token → Eingabe (= + Position)"),
    "space.pos": ("position", "Position"),
    "space.repeated": (
        "Repeated tokens ({repeated}) share one token point but get separate input points: same word, "
        "different position, different input.",
        "Wiederholte Tokens ({repeated}) teilen sich einen Token-Punkt, bekommen aber getrennte Eingabe-"
        "Punkte: gleiches Wort, andere Position, andere Eingabe.",
    ),
    "space.repeated.none": (
        "Repeated tokens ({repeated}) share one token point and one input point: without position "
        "embeddings the same word has the same input at every position.",
        "Wiederholte Tokens ({repeated}) teilen sich einen Token-Punkt und einen Eingabe-Punkt: Ohne "
        "Positions-Embeddings hat dasselbe Wort an jeder Position dieselbe Eingabe.",
    ),
    "space.unlabelled": (
        "More than {max} tokens: labels are hidden; hover a point to see its token.",
        "Mehr als {max} Tokens: Die Beschriftungen sind ausgeblendet; fährt die Maus über einen Punkt, zeigt "
        "er sein Token.",
    ),
    "space.padded": (
        "These points span only {directions}, so {padded} of the 3 axes are padded with zeros.",
        "Diese Punkte spannen nur {directions} auf, daher sind {padded} der 3 Achsen mit Nullen aufgefüllt.",
    ),
    "space.variance": (
        "The 3 axes keep {total:.1%} of the variance of these {points} in {dims}.",
        "Die 3 Achsen behalten {total:.1%} der Varianz dieser {points} in {dims}.",
    ),
    "space.variance.reference": (
        "The 3 axes were fitted on a fixed reference (a sample of the token table and the position table) "
        "and keep {reference:.1%} of its variance; of the variance of these {points} in {dims} they keep "
        "{total:.1%}.",
        "Die 3 Achsen wurden an eine feste Referenz angepasst (eine Stichprobe der Token-Tabelle und die "
        "Positionstabelle) und behalten {reference:.1%} ihrer Varianz; von der Varianz dieser {points} in "
        "{dims} behalten sie {total:.1%}.",
    ),
}
