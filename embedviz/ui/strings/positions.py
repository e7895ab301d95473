"""Strings of the positions view: why positions, absolute (learned, sinusoidal), add or concatenate,
relative and rotary positions; their screen-reader texts and slides."""

STRINGS: dict[str, tuple[str, str]] = {
    "view.positions": ("Positions", "Positionen"),
    "positions.title": ("Positions: where a token stands", "Positionen: wo ein Token steht"),
    "positions.intro": (
        "A token vector says *what* a token is, never *where* it stands. This view shows why a model needs "
        "positions and every way models get them, side by side, with the page's tables ({dim:,} "
        "dimensions, seed {seed:,}):",
        "Ein Token-Vektor sagt, *was* ein Token ist, aber nie, *wo* es steht. Diese Ansicht zeigt, warum ein "
        "Modell Positionen braucht und auf welche Arten Modelle sie bekommen, nebeneinander, mit den "
        "Tabellen der Seite ({dim:,} Dimensionen, Seed {seed:,}):",
    ),
    "positions.part.why": ("Why positions?", "Wozu Positionen?"),
    "positions.part.absolute": (
        "Absolute positions: learned or sinusoidal",
        "Absolute Positionen: gelernt oder sinusförmig",
    ),
    "positions.part.combine": ("Add or concatenate?", "Addieren oder aneinanderhängen?"),
    "positions.part.relative": ("Relative and rotary positions", "Relative und rotierende Positionen"),
    "positions.code": ("Reproduce in Python", "In Python nachrechnen"),
    "positions.code.caption": (
        "Needs only torch (and tiktoken for the sentences); the last line prints the numbers shown here as "
        "JSON.",
        "Braucht nur torch (und tiktoken für die Sätze); die letzte Zeile gibt die hier gezeigten Zahlen "
        "als JSON aus.",
    ),
    "positions.odd_dim": (
        "Rotary positions turn the dimensions in pairs (dimension i with i + dim/2), so they need an even "
        "number of dimensions; {dim:,} leaves one without a partner. Choose {below:,} or {above:,} "
        "dimensions in the sidebar to see them.",
        "Rotierende Positionen drehen die Dimensionen paarweise (Dimension i mit i + dim/2) und brauchen "
        "deshalb eine gerade Zahl von Dimensionen; bei {dim:,} bleibt eine ohne Partner. Wählen Sie in der "
        "Seitenleiste {below:,} oder {above:,} Dimensionen, um sie zu sehen.",
    ),
    "positions.too_long": (
        "A sentence from the link is longer than {max:,} characters; its first {max:,} are used.",
        "Ein Satz aus dem Link ist länger als {max:,} Zeichen; verwendet werden seine ersten {max:,}.",
    ),
    "positions.quoted": ("“{text}”", "„{text}“"),
    "positions.error": ("{name}: {error}", "{name}: {error}"),
    # Why positions
    "positions.why.intro": (
        "A token vector depends only on the token id. Without positions a repeated token is one and the same "
        "vector wherever it stands, and two sentences made of the same tokens give the model the same "
        "multiset of vectors: a “bag of words”. The lesson's example: “Die Katze saß auf der Matte” "
        "(the cat sat on the mat) and “Die Matte saß auf der Katze” (the mat sat on the cat).",
        "Ein Token-Vektor hängt nur von der Token-ID ab. Ohne Positionen ist ein wiederholtes Token überall "
        "derselbe Vektor, und zwei Sätze aus denselben Tokens geben dem Modell dieselben Vektoren, nur "
        "anders angeordnet: ein „Bag of Words“. Das Beispiel aus dem Lehrtext: „Die Katze saß auf der "
        "Matte“ und „Die Matte saß auf der Katze“.",
    ),
    "positions.why.a": ("Sentence A", "Satz A"),
    "positions.why.b": ("Sentence B", "Satz B"),
    "positions.why.repeated": ("A sentence with a repeated word", "Ein Satz mit einem wiederholten Wort"),
    "positions.why.example": ("Use the lesson's pair", "Das Satzpaar aus dem Lehrtext verwenden"),
    "positions.why.col.kind": ("Positions", "Positionen"),
    "positions.why.col.same": (
        "A and B: same bag of input vectors?",
        "A und B: dieselben Eingabevektoren, von der Reihenfolge abgesehen?",
    ),
    "positions.why.col.a": ("Different input vectors in A", "Verschiedene Eingabevektoren in A"),
    "positions.why.col.r": ("… in the sentence with a repeat", "… im Satz mit Wiederholung"),
    "positions.why.yes": ("yes", "ja"),
    "positions.why.no": ("no", "nein"),
    "positions.why.of": ("{k:,} of {n:,}", "{k:,} von {n:,}"),
    "positions.why.parted": (
        "Without positions, A and B give the model exactly the same input vectors, only in another order: "
        "it could not tell the two sentences apart. With learned or sinusoidal positions they part.",
        "Ohne Positionen bekommt das Modell für A und B genau dieselben Eingabevektoren, nur in anderer "
        "Reihenfolge: Es könnte die beiden Sätze nicht unterscheiden. Mit gelernten oder sinusförmigen "
        "Positionen unterscheiden sie sich.",
    ),
    "positions.why.same_sentence": (
        "A and B are the same sentence, so they give the same input vectors with any positions.",
        "A und B sind derselbe Satz und ergeben deshalb mit jeder Art von Positionen dieselben "
        "Eingabevektoren.",
    ),
    "positions.why.other_tokens": (
        "A and B are not made of the same tokens, so their input vectors differ even without positions. "
        "The lesson's pair swaps two words and keeps every token.",
        "A und B bestehen nicht aus denselben Tokens, daher unterscheiden sich ihre Eingabevektoren schon "
        "ohne Positionen. Das Satzpaar aus dem Lehrtext vertauscht zwei Wörter und behält jedes Token.",
    ),
    "positions.why.empty": ("Type a sentence into both boxes.", "Geben Sie in beide Felder einen Satz ein."),
    "positions.why.repeat": (
        "{token} occurs {count:,} times here: without positions it is one vector, with positions each "
        "occurrence has its own.",
        "{token} kommt hier {count:,}-mal vor: Ohne Positionen ist es ein einziger Vektor, mit Positionen "
        "hat jedes Vorkommen seinen eigenen.",
    ),
    "positions.why.no_repeat": (
        "No token occurs twice in this sentence; type one that repeats a word (“the”, “der”).",
        "In diesem Satz kommt kein Token zweimal vor; geben Sie einen Satz ein, der ein Wort "
        "wiederholt (etwa „der“ oder „the“).",
    ),
    # Absolute positions
    "positions.absolute.intro": (
        "**Learned** (GPT): one vector per position, `torch.nn.Embedding(context_length, dim)`, drawn right "
        "after the token table. Until training it is random, like the token table. **Sinusoidal** (the "
        "original Transformer, Vaswani et al. 2017): fixed sines and cosines, "
        "`PE[p, 2i] = sin(p / 10000^(2i/dim))` and `PE[p, 2i+1] = cos(…)`, nothing to learn. Each table "
        "below is shown as a heatmap (positions × dimensions) and as the cosine similarity of every "
        "position with every other.",
        "**Gelernt** (GPT): ein Vektor pro Position, `torch.nn.Embedding(context_length, dim)`, direkt nach "
        "der Token-Tabelle gezogen. Bis zum Training ist diese Tabelle zufällig, wie die Token-Tabelle. "
        "**Sinusförmig** (der ursprüngliche Transformer, Vaswani et al. 2017): feste Sinus- und "
        "Kosinuswerte, `PE[p, 2i] = sin(p / 10000^(2i/dim))` und `PE[p, 2i+1] = cos(…)`, nichts zu lernen. "
        "Jede Tabelle ist unten als Heatmap (Positionen × Dimensionen) zu sehen und als Kosinus-Ähnlichkeit "
        "jeder Position mit jeder anderen.",
    ),
    "positions.absolute.n": ("Positions shown", "Gezeigte Positionen"),
    "positions.absolute.cut": (
        "The position table has only {n:,} rows (context length), so {n:,} positions are shown.",
        "Die Positionstabelle hat nur {n:,} Zeilen (Kontextlänge), daher werden {n:,} Positionen gezeigt.",
    ),
    "positions.absolute.learned": ("Learnable (random until trained)", "Lernbar (zufällig bis zum Training)"),
    "positions.absolute.trained.title": (
        "The learnable table after training",
        "Die lernbare Tabelle nach dem Training",
    ),
    "positions.absolute.trained.what": (
        "learnable, after {steps:,} training steps",
        "lernbar, nach {steps:,} Trainingsschritten",
    ),
    "positions.absolute.trained.none": (
        "Train the tiny model in the Training view with these settings (the same sentence, dimension and "
        "seed): the cosines of its position table after that run then appear here, beside the random start.",
        "Trainieren Sie das kleine Modell in der Ansicht „Training & GPT-2“ mit diesen Einstellungen "
        "(gleicher Satz, gleiche Dimension, gleicher Seed): Dann erscheinen hier die Kosinuswerte seiner "
        "Positionstabelle nach diesem Lauf, zum Vergleich mit dem zufälligen Anfang.",
    ),
    "positions.absolute.trained.caption": (
        "The learnable table after {steps:,} steps of the run in the Training view, for the {n:,} positions "
        "of the sentence it followed (only positions inside its training windows change). Neighbouring "
        "positions now have a cosine of {neighbours:.3f} on average (random start: {start:.3f}).",
        "Die lernbare Tabelle nach {steps:,} Schritten des Laufs in der Trainingsansicht, für die {n:,} "
        "Positionen des Satzes, den er verfolgt hat (nur Positionen innerhalb seiner Trainingsfenster ändern "
        "sich). Benachbarte Positionen haben jetzt im Mittel einen Kosinus von {neighbours:.3f} "
        "(zufälliger Anfang: {start:.3f}).",
    ),
    "positions.absolute.sinusoidal": ("Sinusoidal (fixed)", "Sinusförmig (fest)"),
    "positions.absolute.table": ("Table: positions × dimensions", "Tabelle: Positionen × Dimensionen"),
    "positions.absolute.cosines": ("Cosine of every pair of positions", "Kosinus jedes Positionspaars"),
    "positions.absolute.position": ("position", "Position"),
    "positions.absolute.neighbours": (
        "Cosine of neighbouring positions (p and p + 1), on average: learned {learned:.3f}, sinusoidal "
        "{sinusoidal:.3f}.",
        "Kosinus benachbarter Positionen (p und p + 1) im Mittel: gelernt {learned:.3f}, sinusförmig "
        "{sinusoidal:.3f}.",
    ),
    "positions.absolute.bands": (
        "The sinusoidal table changes smoothly from one position to the next: near positions are alike (red "
        "bands along the diagonal). In the random learned table every position is a stranger to every other "
        "(noise around 0); training has to give it any order it needs.",
        "Die sinusförmige Tabelle ändert sich von Position zu Position nur wenig: Nahe Positionen ähneln "
        "sich (rote Bänder entlang der Diagonale). In der zufälligen gelernten Tabelle ist jede Position "
        "jeder anderen fremd (Rauschen um 0); jede Ordnung muss erst das Training hineinbringen.",
    ),
    "positions.absolute.wavelength.title": (
        "Wavelength of each sinusoidal dimension",
        "Wellenlänge jeder sinusförmigen Dimension",
    ),
    "positions.absolute.wavelength": ("wavelength (positions)", "Wellenlänge (Positionen)"),
    "positions.absolute.dimension": ("dimension", "Dimension"),
    "positions.absolute.line": (
        "from position 0 to {last:,}, the positions shown",
        "von Position 0 bis {last:,}, den gezeigten Positionen",
    ),
    "positions.absolute.wavelength.range": (
        "Dimension 0 repeats every 2π ≈ {first:.2f} positions, dimension {last_dim:,} every {last:,.0f}.",
        "Dimension 0 wiederholt sich alle 2π ≈ {first:.2f} Positionen, Dimension {last_dim:,} alle "
        "{last:,.0f}.",
    ),
    "positions.absolute.wavelength.same": (
        "Every dimension of this table repeats every 2π ≈ {first:.2f} positions.",
        "Jede Dimension dieser Tabelle wiederholt sich alle 2π ≈ {first:.2f} Positionen.",
    ),
    "positions.absolute.wavelength.some": (
        "{k:,} of the {dim:,} dimensions complete a full cycle between the first and the last of the {n:,} "
        "positions shown; the others tell far-apart positions apart.",
        "{k:,} der {dim:,} Dimensionen durchlaufen zwischen der ersten und der letzten der {n:,} gezeigten "
        "Positionen eine volle Periode; die übrigen unterscheiden weit entfernte Positionen.",
    ),
    "positions.absolute.wavelength.all": (
        "Every dimension completes a full cycle between the first and the last of the {n:,} positions shown.",
        "Jede Dimension durchläuft zwischen der ersten und der letzten der {n:,} gezeigten Positionen eine "
        "volle Periode.",
    ),
    # Add or concatenate
    "positions.combine.intro": (
        "From the lesson: position embeddings have the same dimensions as token embeddings, and they are "
        "*added*, which combines the token's identity with its position “without increasing the overall "
        "dimensionality”. Concatenating the two vectors would keep both as well, but doubles the width of "
        "every vector the model processes. Sentence A with the learned positions:",
        "Aus dem Lehrtext: „Positions-Embeddings haben die gleiche Dimensionalität wie Token-Embeddings.“ "
        "Sie werden addiert und kombinieren so die Identität des Tokens mit seiner Position, „ohne die "
        "gesamte Dimensionalität zu erhöhen“. Aneinanderhängen würde ebenfalls beides behalten, aber die "
        "Breite jedes Vektors verdoppeln, den das Modell verarbeitet. Satz A mit den gelernten Positionen:",
    ),
    "positions.combine.add": ("Added: token + position", "Addiert: Token + Position"),
    "positions.combine.concat": ("Concatenated: [token, position]", "Aneinandergehängt: [Token, Position]"),
    "positions.combine.shape": ("The model receives", "Das Modell bekommt"),
    "positions.combine.caption": (
        "Each 3D view is its own PCA of the sentence's {n:,} vectors (from {dim:,} and {wide:,} dimensions "
        "to 3); the three axes keep {added:.1%} and {concatenated:.1%} of the variance.",
        "Jede 3D-Ansicht ist eine eigene PCA der {n:,} Vektoren des Satzes (von {dim:,} bzw. {wide:,} "
        "Dimensionen auf 3); die drei Achsen behalten {added:.1%} bzw. {concatenated:.1%} der Varianz.",
    ),
    # Relative and rotary positions
    "positions.relative.intro": (
        "Relative schemes (Transformer-XL, some BERT variants, T5, ALiBi) leave the vectors alone and change "
        "how attention compares a query at one position with a key at another: only their distance counts. "
        "Rotary positions (RoPE; Llama, Mistral, Qwen and most models today) turn the query and the key by "
        "an angle that grows with the position; the score of two turned vectors depends only on the "
        "difference of their angles, so only on their distance.",
        "Relative Verfahren (Transformer-XL, einige BERT-Varianten, T5, ALiBi) lassen die Vektoren, wie sie "
        "sind, und ändern, wie die Attention eine Query an einer Position mit einem Key an einer anderen "
        "vergleicht: Es zählt nur ihr Abstand. Rotierende Positionen (RoPE; Llama, Mistral, Qwen und die "
        "meisten heutigen Modelle) drehen Query und Key um einen Winkel, der mit der Position wächst; "
        "das Skalarprodukt zweier gedrehter Vektoren hängt nur vom Unterschied ihrer Winkel ab, also nur vom "
        "Abstand.",
    ),
    "positions.relative.offset": ("Distance from key to query", "Abstand vom Key zur Query"),
    "positions.relative.pair": (
        "Query: the token vector of {query} (sentence A's token {query_index:,}); key: the token vector of "
        "{key_token} (token 0). The pair moves along {n:,} positions, the query always at distance "
        "{offset:,} after the key. Score = ⟨query, key⟩ / √{dim:,}.",
        "Query: der Token-Vektor von {query} (Token {query_index:,} von Satz A); Key: der Token-Vektor von "
        "{key_token} (Token 0). Das Paar wandert über {n:,} Positionen, die Query immer im Abstand "
        "{offset:,} hinter dem Key. Score = ⟨Query, Key⟩ / √{dim:,}.",
    ),
    "positions.relative.too_far": (
        "A distance of {offset:,} does not fit into {n:,} positions; choose a smaller one or show more "
        "positions.",
        "Ein Abstand von {offset:,} passt nicht in {n:,} Positionen; wählen Sie einen kleineren oder zeigen "
        "Sie mehr Positionen.",
    ),
    "positions.relative.x": ("position of the key", "Position des Keys"),
    "positions.relative.y": ("attention score", "Attention-Score"),
    "positions.scheme.absolute": (
        "absolute (learned positions added)",
        "absolut (gelernte Positionen addiert)",
    ),
    "positions.scheme.rotary": ("rotary (RoPE)", "rotierend (RoPE)"),
    "positions.scheme.alibi": ("ALiBi (score − {slope} · distance)", "ALiBi (Score − {slope} · Abstand)"),
    "positions.relative.spread": (
        "Over the {count:,} key positions: absolute positions give scores from {low:.4f} to {high:.4f}; "
        "{fixed}",
        "Über die {count:,} Key-Positionen: Absolute Positionen ergeben Scores von {low:.4f} bis {high:.4f}; "
        "{fixed}",
    ),
    "positions.relative.fixed": (
        "ALiBi gives {alibi:.4f} at each of them.",
        "ALiBi ergibt an jeder von ihnen {alibi:.4f}.",
    ),
    "positions.relative.fixed_rotary": (
        "rotary positions give {rotary:.4f} and ALiBi {alibi:.4f} at each of them.",
        "rotierende Positionen ergeben an jeder von ihnen {rotary:.4f} und ALiBi {alibi:.4f}.",
    ),
    "positions.relative.alibi": (
        "ALiBi adds −slope · distance to each score; the slope here is 1/2, the first of 8 attention heads "
        "(slopes 1/2, 1/4, …, 1/256). T5 instead adds a learned number per bucket of distances.",
        "ALiBi addiert −Steigung · Abstand zu jedem Score; die Steigung ist hier 1/2, die des ersten von "
        "8 Attention-Köpfen (Steigungen 1/2, 1/4, …, 1/256). T5 addiert stattdessen eine gelernte Zahl pro "
        "Gruppe von Abständen.",
    ),
    "positions.rotation.title": (
        "RoPE: pairs of dimensions turning",
        "RoPE: Paare von Dimensionen drehen sich",
    ),
    "positions.rotation.pair": ("dims {i} and {j}", "Dim. {i} und {j}"),
    "positions.rotation.position": ("position", "Position"),
    "positions.rotation.caption": (
        "Each small chart shows one pair of dimensions (i, i + {half:,}) of the query vector, turned to "
        "positions 0 to {last:,} (numbered). Pair {first} turns by {fast:.1f}° per position, pair {slow} by "
        "{slow_angle:.4f}°: the first pairs tell neighbours apart, the last ones far-apart positions.",
        "Jedes kleine Diagramm zeigt ein Paar von Dimensionen (i, i + {half:,}) des Query-Vektors, gedreht "
        "für die Positionen 0 bis {last:,} (nummeriert). Paar {first} dreht sich um {fast:.1f}° pro "
        "Position, Paar {slow} um {slow_angle:.4f}°: Die ersten Paare unterscheiden Nachbarn, die letzten "
        "weit entfernte Positionen.",
    ),
    "positions.rotation.caption_one": (
        "The small chart shows the only pair of dimensions (0, 1) of the query vector, turned to positions 0 "
        "to {last:,} (numbered): {fast:.1f}° per position. With more dimensions the later pairs turn more "
        "slowly and tell far-apart positions apart.",
        "Das kleine Diagramm zeigt das einzige Paar von Dimensionen (0, 1) des Query-Vektors, gedreht für "
        "die Positionen 0 bis {last:,} (nummeriert): {fast:.1f}° pro Position. Bei mehr Dimensionen drehen "
        "sich die späteren Paare langsamer und unterscheiden weit entfernte Positionen.",
    ),
    # Screen-reader texts
    "a11y.positions.table": (
        "Chart: a heatmap of the position table “{what}”, {rows:,} positions by {cols:,} dimensions; values "
        "from {low:.4f} to {high:.4f}.",
        "Diagramm: eine Heatmap der Positionstabelle „{what}“, {rows:,} Positionen mal {cols:,} "
        "Dimensionen; Werte von {low:.4f} bis {high:.4f}.",
    ),
    "a11y.positions.cosines": (
        "Chart: the cosine similarity of every pair of the {n:,} positions of the table “{what}”, as a "
        "{n:,} × {n:,} heatmap.",
        "Diagramm: die Kosinus-Ähnlichkeit jedes Paars der {n:,} Positionen der Tabelle „{what}“ als "
        "Heatmap mit {n:,} × {n:,} Feldern.",
    ),
    "a11y.positions.neighbours": (
        "Neighbouring positions have a cosine of {neighbours:.3f} on average.",
        "Benachbarte Positionen haben im Mittel einen Kosinus von {neighbours:.3f}.",
    ),
    "a11y.positions.wavelength": (
        "Chart: the wavelength of each of the {dim:,} sinusoidal dimensions on a logarithmic axis, rising "
        "from {first:.2f} to {last:,.0f} positions.",
        "Diagramm: die Wellenlänge jeder der {dim:,} sinusförmigen Dimensionen auf einer logarithmischen "
        "Achse, steigend von {first:.2f} bis {last:,.0f} Positionen.",
    ),
    "a11y.positions.space": (
        "3D chart: the {n:,} vectors of sentence A, “{what}”, after PCA to 3 dimensions, each labelled with "
        "its position and token, joined in the sentence's order.",
        "3D-Diagramm: die {n:,} Vektoren von Satz A, „{what}“, nach einer PCA auf 3 Dimensionen, jeder mit "
        "Position und Token beschriftet, in der Reihenfolge des Satzes verbunden.",
    ),
    "a11y.positions.scores": (
        "Chart: the attention score of the query/key pair at each of {count:,} key positions, one line per "
        "scheme; the numbers are in the text below.",
        "Diagramm: der Attention-Score des Query-Key-Paars an jeder von {count:,} Key-Positionen, eine "
        "Linie pro Verfahren; die Zahlen stehen im Text darunter.",
    ),
    "a11y.positions.rotation.one": (
        "Chart: one small plot of the query vector's only pair of dimensions, showing the pair's point at "
        "positions 0 to {last:,} on a circle around 0.",
        "Diagramm: eine kleine Darstellung des einzigen Paars von Dimensionen des Query-Vektors, mit dem "
        "Punkt des Paars an den Positionen 0 bis {last:,} auf einem Kreis um 0.",
    ),
    "a11y.positions.rotation.other": (
        "Chart: {count:,} small plots, one per pair of dimensions of the query vector, each showing the "
        "pair's point at positions 0 to {last:,} on a circle around 0.",
        "Diagramm: {count:,} kleine Darstellungen, eine pro Paar von Dimensionen des Query-Vektors, jede "
        "mit dem Punkt des Paars an den Positionen 0 bis {last:,} auf einem Kreis um 0.",
    ),
}
