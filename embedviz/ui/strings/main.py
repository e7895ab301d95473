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
        "Beliebiger Text (bis {max_chars:,} Zeichen). Strg+Enter oder außerhalb klicken zum Aktualisieren.",
    ),
    "app.sentence_help_live": (
        "Type any text (up to {max_chars:,} characters). The page follows as you type.",
        "Beliebiger Text (bis {max_chars:,} Zeichen). Die Seite folgt beim Tippen.",
    ),
    "app.not_in_link": (
        "This sentence is too long to be kept in the page's link: a shared link opens with the default one.",
        "Dieser Satz ist zu lang für den Link der Seite: ein geteilter Link öffnet mit dem Standardsatz.",
    ),
    "app.empty": (
        "Type a sentence above to see its tokens and vectors.",
        "Geben Sie oben einen Satz ein, um seine Tokens und Vektoren zu sehen.",
    ),
    # Views and presenter mode
    "view.label": ("View", "Ansicht"),
    "view.pipeline": ("Sentence → vectors", "Satz → Vektoren"),
    "view.seed": ("The seed's examples", "Beispiele aus dem Text"),
    "view.batches": ("Batches", "Batches"),
    "view.order": ("Word order", "Wortreihenfolge"),
    "view.train": ("Training & GPT-2", "Training & GPT-2"),
    "presenter.toggle": ("Presenter mode", "Präsentationsmodus"),
    "presenter.toggle_help": (
        "Large type, controls tucked away, and the pipeline revealed step by step.",
        "Große Schrift, Einstellungen eingeklappt, und die Pipeline Schritt für Schritt.",
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
        "Numbers per vector (the seed uses 256; GPT-2 small uses 768). 1 to {max:,}.",
        "Zahlen pro Vektor (das Beispiel nutzt 256; GPT-2 small 768). 1 bis {max:,}.",
    ),
    "controls.seed": ("Random seed", "Zufalls-Seed"),
    "controls.seed_help": (
        "torch.manual_seed(seed) before the tables are drawn: the same seed always gives the same numbers.",
        "torch.manual_seed(seed) vor dem Erzeugen der Tabellen: gleicher Seed, gleiche Zahlen.",
    ),
    "controls.positional": ("Position embeddings", "Positions-Embeddings"),
    "controls.positional.learned": ("learned (GPT)", "gelernt (GPT)"),
    "controls.positional.sinusoidal": ("sinusoidal (fixed)", "sinusförmig (fest)"),
    "controls.positional.none": ("none (bag of words)", "keine (Tüte voller Wörter)"),
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
        "GPT-2's byte-pair encoding cuts the text into pieces from a vocabulary of {n_vocab:,} tokens. "
        "Each token is only an id: the row it will look up in the embedding table. Spaces belong to the "
        "word after them (␣), and rare characters can be split into byte fragments.",
        "GPT-2s Byte-Pair-Encoding zerlegt den Text in Stücke aus einem Vokabular von {n_vocab:,} Tokens. "
        "Jedes Token ist nur eine ID: die Zeile, die es gleich in der Embedding-Tabelle nachschlägt. "
        "Leerzeichen gehören zum folgenden Wort (␣), seltene Zeichen können in Byte-Stücke zerfallen.",
    ),
    "tokens.counts": ("{chars:,} characters → {tokens:,} tokens", "{chars:,} Zeichen → {tokens:,} Tokens"),
    "tokens.legend": (
        "Same colour = same token id. ␣ space · ↵ newline · → tab · <F0 9F> bytes of a split character · "
        "dashed = special token. Hover a chip for its bytes.",
        "Gleiche Farbe = gleiche Token-ID. ␣ Leerzeichen · ↵ Zeilenumbruch · → Tab · <F0 9F> Bytes eines "
        "geteilten Zeichens · gestrichelt = Spezial-Token. Maus über ein Token zeigt seine Bytes.",
    ),
    "tokens.bytes": ("bytes", "Bytes"),
    "tokens.ids": ("Token ids", "Token-IDs"),
    "tokens.too_many_chips": (
        "Showing the first {shown:,} of {total:,} tokens as chips; all ids are listed below.",
        "Die ersten {shown:,} von {total:,} Tokens als Chips; alle IDs stehen darunter.",
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
    "vectors.position.title": ("Position embeddings", "Positions-Embeddings"),
    "vectors.position.intro.learned": (
        "A second table, `torch.nn.Embedding({context_length}, {dim})`, holds one learned vector per "
        "position 0, 1, 2, … It tells the model *where* a token stands: without it a sentence is a bag of "
        "words.",
        "Eine zweite Tabelle, `torch.nn.Embedding({context_length}, {dim})`, hat einen gelernten Vektor "
        "pro Position 0, 1, 2, … Sie sagt dem Modell, *wo* ein Token steht: ohne sie ist ein Satz eine "
        "Tüte voller Wörter.",
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
        'and word order is lost ("dog bites man" = "man bites dog").',
        "Keine Positions-Embeddings: jeder Positionsvektor ist null, die Eingabe sind nur die Token-"
        "Vektoren, und die Wortreihenfolge geht verloren („Hund beißt Mann“ = „Mann beißt Hund“).",
    ),
    "vectors.input.title": ("Input embedding = token + position", "Eingabe-Embedding = Token + Position"),
    "vectors.input.intro": (
        "The model's input is the element-wise sum. It keeps the dimension ({dim}), and now the same word at "
        "two positions has two different vectors.",
        "Die Eingabe des Modells ist die elementweise Summe. Sie behält die Dimension ({dim}), und nun hat "
        "dasselbe Wort an zwei Positionen zwei verschiedene Vektoren.",
    ),
    "vectors.shape": (
        "Shape: ({n:,}, {dim:,}), one row per token.",
        "Form: ({n:,}, {dim:,}), eine Zeile pro Token.",
    ),
    "vectors.cut": (
        "The heatmap shows tokens 0–{rows} and dimensions 0–{cols} of ({n:,}, {dim:,}); the table below has "
        "every number.",
        "Die Heatmap zeigt Tokens 0–{rows} und Dimensionen 0–{cols} von ({n:,}, {dim:,}); die Tabelle "
        "darunter enthält alle Zahlen.",
    ),
    "vectors.dimension": ("dimension", "Dimension"),
    "vectors.numbers": ("Exact numbers", "Genaue Zahlen"),
    "vectors.all_dims": ("Show all dimensions", "Alle Dimensionen zeigen"),
    "vectors.first_dims": (
        "First {shown} of {dim} dimensions, 4 decimals.",
        "Die ersten {shown} von {dim} Dimensionen, 4 Nachkommastellen.",
    ),
    "vectors.row": ("token", "Token"),
    "sum.pick": ("Token to look at", "Token zum Anschauen"),
    "sum.token": ("token vector", "Token-Vektor"),
    "sum.position": ("position vector", "Positionsvektor"),
    "sum.input": ("input embedding", "Eingabe-Embedding"),
    "sum.worked": (
        "Worked sum for the first {k} dimensions, as the seed document writes it:",
        "Die Summe für die ersten {k} Dimensionen, so wie im Ausgangstext:",
    ),
    "sum.rounding": (
        "Numbers are rounded to 4 decimals; the sum is computed from the exact float32 values, so a last "
        "digit can differ from adding the rounded numbers.",
        "Zahlen sind auf 4 Stellen gerundet; die Summe stammt aus den exakten float32-Werten, daher kann die "
        "letzte Stelle von der Summe der gerundeten Zahlen abweichen.",
    ),
    # The 3D view
    "space.title": ("The 3D view", "Die 3D-Ansicht"),
    "space.intro": (
        "PCA squeezes the {dim}-dimensional vectors onto the 3 directions along which they vary most "
        "(axis titles: the share of the variance each keeps). Each dashed line goes from a token vector "
        "to its input embedding: that step is the token's position vector. Drag to rotate, click the "
        "legend to hide a set.",
        "PCA drückt die {dim}-dimensionalen Vektoren auf die 3 Richtungen, in denen sie am stärksten "
        "streuen (Achsentitel: der Anteil der Varianz, den jede behält). Jede gestrichelte Linie führt "
        "von einem Token-Vektor zu seinem Eingabe-Embedding: dieser Schritt ist der Positionsvektor. "
        "Ziehen zum Drehen, Legende klicken zum Ausblenden.",
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
    "space.unlabelled": (
        "More than {max} tokens: labels are hidden; hover a point to see its token.",
        "Mehr als {max} Tokens: Beschriftungen ausgeblendet; Maus über einen Punkt zeigt das Token.",
    ),
    "space.padded": (
        "These points span only {real} direction(s), so {padded} of the 3 axes are padded with zeros.",
        "Diese Punkte spannen nur {real} Richtung(en) auf, daher sind {padded} der 3 Achsen mit Nullen "
        "aufgefüllt.",
    ),
    "space.variance": (
        "The 3 axes keep {total:.1%} of the variance of these {points:,} points in {dim} dimensions.",
        "Die 3 Achsen behalten {total:.1%} der Varianz dieser {points:,} Punkte in {dim} Dimensionen.",
    ),
}
