"""Strings of the teaching views: the seed's own examples ("toy."), word order ("order.") and the
nearest neighbours section of the pipeline ("nb.")."""

STRINGS: dict[str, tuple[str, str]] = {
    # View "seed": the seed document's examples with its exact numbers
    "toy.title": (
        "The lesson's examples, with its exact numbers",
        "Die Beispiele aus dem Lehrtext, mit seinen Zahlen",
    ),
    "toy.intro": (
        "The lesson explains token embeddings with a tiny vocabulary of 6 tokens and 3 dimensions "
        "(x, y, z). Here is exactly that example, computed live with the document's own code: the numbers "
        "match the printed ones to 4 decimals.",
        "Der Lehrtext erklärt Token-Embeddings mit einem winzigen Vokabular aus 6 Tokens und 3 Dimensionen "
        "(x, y, z). Hier ist genau dieses Beispiel, live mit dem Code aus dem Lehrtext berechnet: Die Zahlen "
        "stimmen auf 4 Nachkommastellen mit den abgedruckten überein.",
    ),
    "toy.table.title": ("A 6 × 3 token embedding table", "Eine Token-Embedding-Tabelle mit 6 × 3 Zahlen"),
    "toy.code": ("The code", "Der Code"),
    "toy.output": ("What it prints", "Was er ausgibt"),
    "toy.table.caption": (
        "Each row is the vector of one token (ids 0–5), each column one dimension. The values are random "
        "(normal, mean 0, standard deviation 1) and will change during training.",
        "Jede Zeile ist der Vektor eines Tokens (IDs 0–5), jede Spalte eine Dimension. Die Werte sind "
        "zufällig (normalverteilt, Mittelwert 0, Standardabweichung 1) und ändern sich beim Training.",
    ),
    "toy.col.token": ("token id", "Token-ID"),
    "toy.heatmap.title": ("Blue = negative, red = positive", "Blau = negativ, Rot = positiv"),
    "toy.lookup.title": ("Looking up one token", "Ein Token nachschlagen"),
    "toy.lookup.intro": (
        "An embedding layer is a lookup table: token id *i* simply returns row *i*. Pick a token id:",
        "Eine Embedding-Schicht ist eine Nachschlagetabelle: Token-ID *i* liefert einfach Zeile *i*. "
        "Wählen Sie eine Token-ID:",
    ),
    "toy.lookup.pick": ("Token id", "Token-ID"),
    "toy.lookup.result": (
        "The token at index {index} is represented by the vector {vector}: row {index} of the table "
        "(framed in the heatmap and highlighted in the table).",
        "Das Token mit Index {index} wird durch den Vektor {vector} dargestellt: Zeile {index} der "
        "Tabelle (in der Heatmap umrahmt und in der Tabelle hervorgehoben).",
    ),
    # The lookup as a matrix product (embedviz/ui/sections/one_hot.py)
    "onehot.title": ("The lookup is a matrix product", "Nachschlagen ist eine Matrixmultiplikation"),
    "onehot.intro": (
        "The same row comes out of an ordinary matrix product: a one-hot vector, {n_vocab} numbers with a 1 "
        "at position {index} and 0 everywhere else, times the {n_vocab} × {dim} table. Every other row is "
        "multiplied by 0, so only row {index} is left.",
        "Dieselbe Zeile liefert auch eine gewöhnliche Matrixmultiplikation: ein One-hot-Vektor aus {n_vocab} "
        "Zahlen mit einer 1 an Position {index} und sonst lauter Nullen, mal die {n_vocab} × {dim}-Tabelle. "
        "Jede andere Zeile wird mit 0 multipliziert, übrig bleibt nur Zeile {index}.",
    ),
    "onehot.same": (
        "one_hot({index}) = {one_hot}: the product is exactly row {index}, the same numbers as the lookup.",
        "one_hot({index}) = {one_hot}: Das Produkt ist genau Zeile {index}, dieselben Zahlen wie beim "
        "Nachschlagen.",
    ),
    "onehot.close": (
        "one_hot({index}) = {one_hot}: the product is row {index}, up to float rounding.",
        "one_hot({index}) = {one_hot}: Das Produkt ist Zeile {index}, bis auf Rundung der Gleitkommazahlen.",
    ),
    "onehot.weights": (
        "So the table is an ordinary weight matrix of the model. `torch.nn.Embedding` fills it with random "
        "numbers from a normal distribution with mean 0 and standard deviation 1; GPT-2's token table "
        "started with a standard deviation of 0.02, the lesson's “small random values”. Training changes it "
        "like any other weight, but only where a token was looked up: the gradient above is zero everywhere "
        "except row {index}. In a training run only the rows of the tokens that occur in the text change.",
        "Die Tabelle ist also eine gewöhnliche Gewichtsmatrix des Modells. `torch.nn.Embedding` füllt sie "
        "mit Zufallszahlen aus einer Normalverteilung mit Mittelwert 0 und Standardabweichung 1; die "
        "Token-Tabelle von GPT-2 begann mit einer Standardabweichung von 0,02, den „kleinen zufälligen "
        "Werten“ des Lehrtexts. Das "
        "Training verändert sie wie jedes andere Gewicht, aber nur dort, wo ein Token nachgeschlagen wurde: "
        "Der Gradient oben ist überall null außer in Zeile {index}. Bei einem Trainingslauf ändern sich nur "
        "die Zeilen der Tokens, die im Text vorkommen.",
    ),
    "onehot.open_train": ("See it in the view Training & GPT-2", "In der Ansicht „Training & GPT-2“ ansehen"),
    "toy.add.title": ("Adding a position embedding", "Ein Positions-Embedding addieren"),
    "toy.add.intro": (
        "The lesson's addition example: the input embedding is the token embedding plus the position "
        "embedding, number by number. Change the numbers (separated by commas, or by semicolons when you "
        "write decimal commas; 1 to {max} of them, the same count in both):",
        "Das Additionsbeispiel aus dem Lehrtext: Das Eingabe-Embedding ist das Token-Embedding plus das "
        "Positions-Embedding, Zahl für Zahl. Ändern Sie die Zahlen (durch Semikolons getrennt, bei "
        "Dezimalpunkten auch durch Kommas; 1 bis {max} Stück, in beiden gleich viele):",
    ),
    "toy.add.a": ("Token embedding", "Token-Embedding"),
    "toy.add.b": ("Position embedding", "Positions-Embedding"),
    "toy.add.which.a": ("token embedding", "Token-Embedding"),
    "toy.add.which.b": ("position embedding", "Positions-Embedding"),
    "toy.add.help": (
        "For example 0.5, -0.2, 0.1. Decimal commas work too if you separate the numbers with semicolons: "
        "0,5; -0,2; 0,1.",
        "Zum Beispiel 0,5; -0,2; 0,1 (Dezimalkomma, Semikolons dazwischen) oder wie im Lehrtext 0.5, -0.2, "
        "0.1 (Dezimalpunkt, Kommas dazwischen).",
    ),
    "toy.add.combined": (
        "Combined Embedding = Token Embedding + Positional Embedding",
        "Kombiniertes Embedding = Token-Embedding + Positions-Embedding",
    ),
    "toy.add.empty": (
        "The {which} is empty: type some numbers, e.g. 0.5, -0.2, 0.1.",
        "Das {which} ist leer: Geben Sie Zahlen ein, z. B. 0,5; -0,2; 0,1.",
    ),
    "toy.add.too_long": (
        "The {which} is too long ({length:,} characters; at most {max} are read).",
        "Das {which} ist zu lang ({length:,} Zeichen; höchstens {max} werden gelesen).",
    ),
    "toy.add.not_number": (
        "Number {position} of the {which} is not a number. Use a decimal point (0.5) and commas between "
        "numbers, or a decimal comma (0,5) and semicolons between numbers.",
        "Zahl {position} im {which} ist keine Zahl. Verwenden Sie ein Dezimalkomma (0,5) und Semikolons "
        "zwischen den Zahlen oder einen Dezimalpunkt (0.5) und Kommas.",
    ),
    "toy.add.not_finite": (
        "Number {position} of the {which} is not a finite number (NaN and infinity cannot be added).",
        "Zahl {position} im {which} ist keine endliche Zahl (NaN und Unendlich kann man nicht addieren).",
    ),
    "toy.add.too_big": (
        "Number {position} of the {which} is too large: use numbers between -{limit:,} and {limit:,}.",
        "Zahl {position} im {which} ist zu groß: Verwenden Sie Zahlen zwischen -{limit:,} und {limit:,}.",
    ),
    "toy.add.count": (
        "The {which} has {count} numbers; use 1 to {max}.",
        "Das {which} hat {count} Zahlen; erlaubt sind 1 bis {max}.",
    ),
    "toy.add.mismatch": (
        "The two vectors must have the same length to be added: the token embedding has {a} numbers, the "
        "position embedding {b}.",
        "Beide Vektoren müssen gleich lang sein, damit man sie addieren kann: Das Token-Embedding hat {a} "
        "Zahlen, das Positions-Embedding {b}.",
    ),
    "toy.batches": (
        "The lesson's batch scenario (batch size 8, 4 tokens per sample, 256 dimensions, a tensor of shape "
        "(8, 4, 256)) is worked through in the Batches view.",
        "Das Batch-Szenario aus dem Lehrtext (Batch-Größe 8, 4 Tokens pro Probe, 256 Dimensionen, ein Tensor "
        "der Form (8, 4, 256)) wird in der Ansicht „Batches“ durchgerechnet.",
    ),
    "toy.batches.open": ("Open the Batches view", "Ansicht „Batches“ öffnen"),
    # View "order": word order
    "order.title": (
        "Word order: same tokens, different inputs",
        "Wortreihenfolge: gleiche Tokens, andere Eingaben",
    ),
    "order.intro": (
        "Two sentences with the same words in a different order get the same token embeddings; only the "
        "position embeddings tell them apart. This view uses the model settings from the sidebar "
        "({positional_name}, {dim} dimensions, seed {seed}).",
        "Zwei Sätze mit denselben Wörtern in anderer Reihenfolge bekommen dieselben Token-Embeddings; nur "
        "die Positions-Embeddings unterscheiden sie. Diese Ansicht nutzt die Modell-Einstellungen aus der "
        "Seitenleiste ({positional_name}, {dim} Dimensionen, Seed {seed}).",
    ),
    "order.a": ("Sentence A", "Satz A"),
    "order.b": ("Sentence B", "Satz B"),
    "order.empty": (
        "Type a sentence in both boxes to compare them.",
        "Geben Sie in beide Felder einen Satz ein, um sie zu vergleichen.",
    ),
    "order.ids": ("Token ids of {name}: {ids}", "Token-IDs von {name}: {ids}"),
    "order.same_tokens": (
        "Both sentences consist of the same tokens (the same multiset of token ids), so they get exactly "
        "the same token embeddings, only at other positions.",
        "Beide Sätze bestehen aus denselben Tokens (dieselbe Multimenge von Token-IDs) und bekommen daher "
        "genau dieselben Token-Embeddings, nur an anderen Positionen.",
    ),
    "order.different_tokens": (
        "These sentences do not consist of the same tokens: only in A: {only_a}; only in B: {only_b}. "
        "Often the reason is a space: GPT-2 keeps the space in front of a word, so a word at the start of a "
        "sentence (dog) and the same word after a space (␣dog) are two different tokens with unrelated "
        "vectors. Tokens without a "
        "counterpart are left out of the table below.",
        "Diese Sätze bestehen nicht aus denselben Tokens: nur in A: {only_a}; nur in B: {only_b}. Oft liegt "
        "es an einem Leerzeichen: GPT-2 behält das Leerzeichen vor einem Wort, daher sind ein Wort am "
        "Satzanfang (dog) und dasselbe Wort nach einem Leerzeichen (␣dog) zwei verschiedene Tokens mit "
        "unabhängigen Vektoren. Tokens ohne "
        "Gegenstück fehlen in der Tabelle unten.",
    ),
    "order.try": (
        "Try “{a}” / “{b}”",
        "„{a}“ / „{b}“ ausprobieren",
    ),
    "order.same_bag": (
        "Position embeddings are switched off (“none”): the input embeddings are the token embeddings "
        "alone, so both sentences are the same bag of vectors. Nothing in the model's input tells "
        "“{a}” from “{b}”.",
        "Positions-Embeddings sind ausgeschaltet („keine“): Die Eingabe-Embeddings sind allein die "
        "Token-Embeddings, beide Sätze sind also dieselbe ungeordnete Sammlung von Vektoren. Nichts in der "
        "Eingabe des Modells unterscheidet „{a}“ von „{b}“.",
    ),
    "order.same_sentence": (
        "Both sentences give the same tokens in the same order: there is nothing to tell apart.",
        "Beide Sätze ergeben dieselben Tokens in derselben Reihenfolge: Es gibt nichts zu unterscheiden.",
    ),
    "order.plot.title": ("Both sentences in one 3D space", "Beide Sätze in einem 3D-Raum"),
    "order.plot.intro": (
        "One PCA fitted on the token and input embeddings of both sentences. Diamonds are token "
        "embeddings, circles input embeddings; the dashed line from a diamond to a circle is that "
        "token's position embedding. A shared token sits on one spot (A's filled diamond inside B's "
        "open one) while its two input embeddings go different ways.",
        "Eine PCA, angepasst an die Token- und Eingabe-Embeddings beider Sätze. Rauten sind Token-"
        "Embeddings, Kreise Eingabe-Embeddings; die gestrichelte Linie von einer Raute zu einem Kreis ist "
        "das Positions-Embedding dieses Tokens. Ein gemeinsames Token liegt an einer Stelle (die gefüllte "
        "Raute von A in der offenen von B), während seine zwei Eingabe-Embeddings verschiedene Wege gehen.",
    ),
    "order.legend.token": ("{name}: token embeddings", "{name}: Token-Embeddings"),
    "order.legend.input": ("{name}: input embeddings", "{name}: Eingabe-Embeddings"),
    "order.legend.arrow": ("{name}: + position", "{name}: + Position"),
    "order.pos": ("position", "Position"),
    "order.table.title": ("Cosine similarity, token by token", "Kosinus-Ähnlichkeit, Token für Token"),
    "order.table.intro": (
        "Each token of A next to the same token (same id) in B, with its position (pos.) in each. The "
        "cosine similarity is 1 for vectors pointing the same way and near 0 for unrelated ones. "
        "cos(token) compares the token embeddings: identical, 1.0000. cos(input) compares the input "
        "embeddings: below 1 wherever the token stands at another position.",
        "Jedes Token von A neben demselben Token (gleiche ID) in B, mit seiner Position (Pos.) in beiden. "
        "Die Kosinus-Ähnlichkeit ist 1 für Vektoren in dieselbe Richtung und nahe 0 für unabhängige. "
        "cos(Token) vergleicht die Token-Embeddings: identisch, 1,0000. cos(Eingabe) vergleicht die "
        "Eingabe-Embeddings: unter 1 überall dort, wo das Token an einer anderen Position steht.",
    ),
    "order.col.token": ("token", "Token"),
    "order.col.id": ("id", "ID"),
    "order.col.pos_a": ("pos. A", "Pos. A"),
    "order.col.pos_b": ("pos. B", "Pos. B"),
    "order.col.token_cos": ("cos(token)", "cos(Token)"),
    "order.col.input_cos": ("cos(input)", "cos(Eingabe)"),
    "order.no_pairs": (
        "No token of A appears in B, so there is nothing to pair.",
        "Kein Token von A kommt in B vor, es gibt also keine Paare.",
    ),
    "order.mean": (
        "Whole sentences: cosine of the mean input embeddings",
        "Ganze Sätze: Kosinus der mittleren Eingabe-Embeddings",
    ),
    "order.mean_same": (
        "The means are equal even though the input embeddings differ: both sums contain the same token "
        "embeddings and the same position embeddings 0, 1, 2, …, only paired differently. Averaging "
        "forgets the order again, so a model keeps one vector per position instead of averaging.",
        "Die Mittelwerte sind gleich, obwohl sich die Eingabe-Embeddings unterscheiden: Beide Summen "
        "enthalten dieselben Token-Embeddings und dieselben Positions-Embeddings 0, 1, 2, …, nur anders "
        "gepaart. Der Mittelwert vergisst die Reihenfolge wieder; deshalb behält ein Modell einen Vektor "
        "pro Position, statt zu mitteln.",
    ),
    "order.relative.title": ("And relative positions?", "Und relative Positionen?"),
    "order.relative": (
        "The lesson also mentions relative position embeddings (Transformer-XL; T5 uses a similar relative "
        "bias, and most models today use RoPE, rotary position embeddings). These add nothing to the input "
        "embedding: they act inside attention, where the score between two tokens depends on how far apart "
        "they are (RoPE rotates queries and keys by their position). So at the input layer such a model "
        "sees the “none” picture above: one bag of token embeddings, with word order entering only in the "
        "attention layers.",
        "Der Lehrtext nennt auch relative Positions-Embeddings (Transformer-XL; T5 nutzt einen ähnlichen "
        "relativen Bias, und die meisten heutigen Modelle nutzen RoPE, rotierende Positions-Embeddings). Sie "
        "addieren nichts zum Eingabe-Embedding: Sie wirken in der Attention, wo die Bewertung zwischen zwei "
        "Tokens davon abhängt, wie weit sie voneinander entfernt sind (RoPE dreht Queries und Keys je nach "
        "Position). In der Eingabeschicht sieht ein solches Modell also das Bild von „keine“: eine "
        "ungeordnete Sammlung von Token-Embeddings; die Wortreihenfolge kommt erst in den "
        "Attention-Schichten hinzu.",
    ),
    "order.error": ("{name}: {error}", "{name}: {error}"),
    "order.too_long": (
        "Sentence {name} has {length:,} characters; this view compares sentences of up to {max:,}. "
        "Shorten it.",
        "Satz {name} hat {length:,} Zeichen; diese Ansicht vergleicht Sätze mit bis zu {max:,} Zeichen. "
        "Bitte kürzen.",
    ),
    # The pipeline's nearest neighbours stage
    "nb.title": ("Nearest neighbours", "Nächste Nachbarn"),
    "nb.intro": (
        "Which vocabulary tokens point in the most similar direction to the selected token “{token}” "
        "(id {id})? Similarity is the cosine of the angle between two token embeddings: 1 = same "
        "direction, 0 = at right angles. Select another token in section {section}.",
        "Welche Tokens des Vokabulars zeigen in die ähnlichste Richtung wie das gewählte Token „{token}“ "
        "(ID {id})? Ähnlichkeit ist der Kosinus des Winkels zwischen zwei Token-Embeddings: 1 = gleiche "
        "Richtung, 0 = rechtwinklig. Ein anderes Token wählen Sie in Abschnitt {section}.",
    ),
    "nb.show": ("Show the nearest neighbours", "Nächste Nachbarn zeigen"),
    "nb.k": ("Number of neighbours", "Anzahl der Nachbarn"),
    "nb.col.rank": ("rank", "Rang"),
    "nb.col.token": ("token", "Token"),
    "nb.col.id": ("id", "ID"),
    "nb.col.cosine": ("cosine", "Kosinus"),
    "nb.random": (
        "Why do they look random? Because they are: the table has not been trained. In {dims} random "
        "vectors are almost at right angles to each other, with cosines near 0 ± 1/√{dim} (± {spread:.3f}); "
        "these are just the largest of {others:,} such chance values. After training, tokens used in similar "
        "contexts move together and their neighbours start to make sense.",
        "Warum wirken sie zufällig? Weil sie es sind: Die Tabelle ist nicht trainiert. In {dims} stehen "
        "Zufallsvektoren fast rechtwinklig zueinander, mit Kosinuswerten nahe 0 ± 1/√{dim} (± {spread:.3f}); "
        "diese hier sind nur die größten von {others:,} solchen Zufallswerten. Nach dem Training rücken "
        "Tokens aus ähnlichen Zusammenhängen zusammen, und ihre Nachbarn ergeben Sinn.",
    ),
    "nb.random.few": (
        "Why do they look random? Because they are: the table has not been trained. In only {dims} random "
        "vectors are far from being at right angles: their cosines spread around 0 by about 1/√{dim} "
        "(± {spread:.3f}), so among {others:,} other tokens some point almost the same way by chance. With "
        "more dimensions (GPT-2 small: 768) random vectors are almost at right angles. After training, "
        "tokens used in similar contexts move together and their neighbours start to make sense.",
        "Warum wirken sie zufällig? Weil sie es sind: Die Tabelle ist nicht trainiert. In nur {dims} stehen "
        "Zufallsvektoren längst nicht rechtwinklig zueinander: Ihre Kosinuswerte streuen um etwa 1/√{dim} "
        "(± {spread:.3f}) um 0, daher zeigen unter {others:,} anderen Tokens einige rein zufällig fast in "
        "dieselbe Richtung. Mit mehr Dimensionen (GPT-2 small: 768) stehen Zufallsvektoren fast "
        "rechtwinklig zueinander. Nach dem Training rücken Tokens aus ähnlichen Zusammenhängen zusammen, "
        "und ihre Nachbarn ergeben Sinn.",
    ),
    "nb.random.dim1": (
        "Why do they look random? Because they are: the table has not been trained. In 1 dimension a vector "
        "is a single number, so it points one of two ways: every cosine is +1 or −1, and every token whose "
        "number has the same sign is a “nearest” neighbour. Choose more dimensions to see cosines between.",
        "Warum wirken sie zufällig? Weil sie es sind: Die Tabelle ist nicht trainiert. In 1 Dimension ist "
        "ein Vektor eine einzige Zahl und zeigt in eine von zwei Richtungen: Jeder Kosinus ist +1 oder −1, "
        "und jedes Token, dessen Zahl dasselbe Vorzeichen hat, ist ein „nächster“ Nachbar. Mit mehr "
        "Dimensionen gibt es Kosinuswerte dazwischen.",
    ),
    "nb.unused": ("(unused id)", "(unbenutzte ID)"),
}
