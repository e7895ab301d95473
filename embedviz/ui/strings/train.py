"""Strings of the view "Training & GPT-2": watch them learn ("train.") and GPT-2's trained tables
("gpt2.")."""

STRINGS: dict[str, tuple[str, str]] = {
    "train.title": ("Training & GPT-2's embeddings", "Training & die Embeddings von GPT-2"),
    "train.empty": (
        "Type a sentence above: training follows its tokens.",
        "Geben Sie oben einen Satz ein: Das Training verfolgt seine Tokens.",
    ),
    "train.gpt2_only": (
        "This view always uses GPT-2's encoding and learnable positions, whatever the sidebar says.",
        "Diese Ansicht verwendet immer die Kodierung von GPT-2 und lernbare Positionen, unabhängig von der "
        "Seitenleiste.",
    ),
    "train.token": ("Token to follow", "Verfolgtes Token"),
    # 1. Watch them learn
    "train.section": ("1 · Watch them learn", "1 · Beim Lernen zusehen"),
    "train.intro": (
        "Token embeddings start random, and they are trainable parameters. Here a tiny GPT-style model "
        "learns to predict the next token of a training text, and its embedding layer is exactly this "
        "page's token table and position table (seed {seed}, {dim} dimensions): **step 0 is exactly the "
        "random numbers the other views show**, and training continues from them. The model reads GPT-2 "
        "tokens in windows of {window} with learnable positions, through one transformer block {width} "
        "numbers wide (a wider table is first projected down); only the rows of tokens that occur in the "
        "training text and the positions 0–{window_last} can change.",
        "Token-Embeddings werden zufällig initialisiert, und sie sind trainierbare Parameter. Hier lernt ein "
        "winziges Modell im Stil von GPT, das nächste Token eines Trainingstexts vorherzusagen, und seine "
        "Embedding-Schicht ist genau die Token-Tabelle und die Positionstabelle dieser Seite (Seed {seed}, "
        "{dim} Dimensionen): **In Schritt 0 stehen dort genau die Zufallszahlen, die die anderen Ansichten "
        "zeigen**, und das Training macht von dort aus weiter. Das Modell liest GPT-2-Tokens in Fenstern von "
        "{window} mit lernbaren Positionen, durch einen Transformer-Block der Breite {width} (eine breitere "
        "Tabelle wird vorher auf diese Breite projiziert); nur die Zeilen der Tokens, die im Trainingstext "
        "vorkommen, und die Positionen 0–{window_last} können sich ändern.",
    ),
    "train.steps": ("Training steps", "Trainingsschritte"),
    "train.steps_help": (
        "Each step shows the model 8 windows of text and nudges all its parameters once. The default 100 "
        "steps take about a second of a free core.",
        "Jeder Schritt zeigt dem Modell 8 Textfenster und verschiebt alle seine Parameter ein wenig. Die "
        "voreingestellten 100 Schritte brauchen etwa eine Sekunde eines freien Rechenkerns.",
    ),
    "train.source": ("Training text", "Trainingstext"),
    "train.source.verdict": ("The story (The Verdict)", "Die Geschichte (The Verdict)"),
    "train.source.verdict+sentence": ("The story + my sentence", "Die Geschichte + mein Satz"),
    "train.start": ("Train", "Trainieren"),
    "train.stop": ("Stop", "Anhalten"),
    "train.stop_help": (
        "Stops training; what was learned so far is kept and shown.",
        "Hält das Training an; was bis dahin gelernt wurde, bleibt erhalten und wird gezeigt.",
    ),
    "train.press": (
        "Press **Train** to start. The model begins with exactly the random vectors the other views show "
        "and changes them a little with every step.",
        "Drücken Sie **Trainieren**, um zu beginnen. Das Modell startet mit genau den zufälligen Vektoren "
        "der anderen Ansichten und verändert sie mit jedem Schritt ein wenig.",
    ),
    "train.stopping": ("Stopping the training…", "Das Training wird angehalten …"),
    "train.starting": ("Preparing the model…", "Das Modell wird vorbereitet …"),
    "train.status": (
        "Step {step} of {steps} · loss {loss:.3f} · {seconds:.1f} s",
        "Schritt {step} von {steps} · Verlust {loss:.3f} · {seconds:.1f} s",
    ),
    "train.step": ("step", "Schritt"),
    "train.loss": ("loss", "Verlust"),
    "train.uniform": ("guessing uniformly", "gleichmäßiges Raten"),
    "train.done.now": (
        "Trained {done} steps in {seconds:.1f} s.",
        "{done} Schritte trainiert in {seconds:.1f} s.",
    ),
    "train.done.before": (
        "Trained before in {seconds:.1f} s ({done} steps, by you or another visitor with the same "
        "settings): shown without training again.",
        "Schon früher trainiert, in {seconds:.1f} s ({done} Schritte, von Ihnen oder jemand anderem mit den "
        "gleichen Einstellungen): ohne erneutes Training gezeigt.",
    ),
    "train.done.stopped": (
        "Stopped at step {done} of {steps} (after {seconds:.1f} s). Everything below shows the model as it "
        "was then; press **Train** to run all {steps} steps.",
        "Angehalten bei Schritt {done} von {steps} (nach {seconds:.1f} s). Alles hier unten zeigt das "
        "Modell in diesem Zustand; **Trainieren** startet alle {steps} Schritte neu.",
    ),
    "train.loss_title": ("Loss during training", "Verlust während des Trainings"),
    "train.loss_caption": (
        "The loss says how surprised the model is by the real next token. The dashed line, "
        "ln({n:,}) = {uniform:.2f}, is the loss of guessing uniformly among the {n:,} different tokens of "
        "the text: the loss starts near it and goes down as the model learns.",
        "Der Verlust misst, wie überrascht das Modell vom tatsächlichen nächsten Token ist. Die gestrichelte "
        "Linie, ln({n:,}) = {uniform:.2f}, ist der Verlust beim gleichmäßigen Raten unter den {n:,} "
        "verschiedenen Tokens des Textes: Der Verlust beginnt in ihrer Nähe und sinkt, während das Modell "
        "lernt.",
    ),
    "train.all_trained": (
        "All {n} tokens of the sentence occur in the training text, so training moves every one of them.",
        "Alle {n} Tokens des Satzes kommen im Trainingstext vor, also bewegt das Training jedes von ihnen.",
    ),
    "train.untrained.one": (
        "{count} of the sentence's {total} tokens never appears in the training text, so nothing trains it: "
        "{names} keeps its random vector.",
        "{count} der {total} Tokens des Satzes kommt im Trainingstext nie vor, also trainiert es nichts: "
        "{names} behält seinen zufälligen Vektor.",
    ),
    "train.untrained.other": (
        "{count} of the sentence's {total} tokens never appear in the training text, so nothing trains them: "
        "{names} keep their random vectors.",
        "{count} der {total} Tokens des Satzes kommen im Trainingstext nie vor, also trainiert sie nichts: "
        "{names} behalten ihre zufälligen Vektoren.",
    ),
    "train.quoted": ("“{token}”", "„{token}“"),
    "train.try_sentence": (
        " Choose “The story + my sentence” as the training text to train them too.",
        " Wählen Sie „Die Geschichte + mein Satz“ als Trainingstext, damit auch sie trainiert werden.",
    ),
    "train.numbers": (
        "**Token {index}, {token}:** the first numbers of its token embedding, at step 0 and at the end",
        "**Token {index}, {token}:** die ersten Zahlen seines Token-Embeddings, in Schritt 0 und am Ende",
    ),
    "train.at_step": ("step {step}", "Schritt {step}"),
    "train.numbers_caption": (
        "Step 0 holds exactly the numbers the other views show: `torch.manual_seed({seed})`, then "
        "`nn.Embedding(50257, dim)`.",
        "Schritt 0 enthält genau die Zahlen der anderen Ansichten: `torch.manual_seed({seed})`, dann "
        "`nn.Embedding(50257, dim)`.",
    ),
    "train.numbers_changed": (" Training changed them.", " Das Training hat sie verändert."),
    "train.numbers_same": (
        " This token never occurs in the training text, so training left its numbers exactly as they were.",
        " Dieses Token kommt im Trainingstext nie vor, also hat das Training seine Zahlen nicht verändert.",
    ),
    "train.numbers_pick": (
        " Choose {token} as the token to follow to watch numbers change.",
        " Wählen Sie {token} als verfolgtes Token: Dessen Zahlen ändern sich.",
    ),
    "train.animation_title": (
        "The sentence's vectors during training",
        "Die Vektoren des Satzes im Training",
    ),
    "train.play": ("Play", "Abspielen"),
    "train.pause": ("Pause", "Pause"),
    "train.animation_caption": (
        "{frames} snapshots, one every {every} steps: press ▶ or drag the slider. The three axes come from "
        "one PCA fitted on all snapshots together, so they stay put while the points move. Each input "
        "embedding (●) is its token vector (◆) plus its position vector (■).",
        "{frames} Momentaufnahmen, eine alle {every} Schritte: ▶ drücken oder den Regler ziehen. Die drei "
        "Achsen stammen aus einer einzigen PCA über alle Momentaufnahmen, daher bleiben sie fest, während "
        "sich die Punkte bewegen. Jedes Eingabe-Embedding (●) ist sein Token-Vektor (◆) plus sein "
        "Positionsvektor (■).",
    ),
    "train.nb_title": (
        "Nearest neighbours of the selected token, before and after",
        "Nächste Nachbarn des gewählten Tokens, vorher und nachher",
    ),
    "train.nb_caption": (
        "Among the {n:,} different tokens of the training text (the only rows training changes), by cosine "
        "similarity; the same candidates before and after.",
        "Unter den {n} verschiedenen Tokens des Trainingstextes (nur ihre Zeilen ändert das Training), "
        "nach Kosinus-Ähnlichkeit; vorher und nachher dieselben Kandidaten.",
    ),
    "train.nb.before": ("**Before** (step 0, random)", "**Vorher** (Schritt 0, zufällig)"),
    "train.nb.after": ("**After** step {step}", "**Nachher**, nach Schritt {step}"),
    "train.nb_why": (
        "Before training the neighbours are arbitrary: the vectors are random. After training they tend to "
        "make more sense, because tokens used in similar contexts get similar vectors. A few seconds on one "
        "short story only goes part of the way; GPT-2 (below) trained on about 40 GB of text.",
        "Vor dem Training sind die Nachbarn beliebig: Die Vektoren sind zufällig. Nach dem Training ergeben "
        "sie eher Sinn, denn Tokens, die in ähnlichen Zusammenhängen vorkommen, bekommen ähnliche Vektoren. "
        "Ein paar Sekunden mit einer kurzen Geschichte reichen dafür nur zum Teil; GPT-2 (unten) wurde mit "
        "etwa 40 GB Text trainiert.",
    ),
    # 2. GPT-2's trained embeddings
    "gpt2.title": ("2 · GPT-2's trained embeddings", "2 · Die trainierten Embeddings von GPT-2"),
    "gpt2.intro": (
        "GPT-2 small learned its tables from about 40 GB of web text: 50,257 token embeddings and 1,024 "
        "position embeddings of 768 numbers each. embedviz reads only these two tables (158 MB of the 548 MB "
        "weights file) from the Hugging Face Hub once and keeps them on disk. Compare them with random "
        "tables of the same size.",
        "GPT-2 small hat seine Tabellen aus etwa 40 GB Webtext gelernt: 50.257 Token-Embeddings und 1.024 "
        "Positions-Embeddings mit je 768 Zahlen. embedviz liest nur diese beiden Tabellen (158 MB der 548 MB "
        "großen Gewichtsdatei) einmal vom Hugging Face Hub und speichert sie auf der Festplatte. Vergleichen "
        "Sie sie mit Zufallstabellen derselben Größe.",
    ),
    "gpt2.tables": ("Tables", "Tabellen"),
    "gpt2.tables.random": ("Random only", "Nur zufällige"),
    "gpt2.tables.gpt2": (
        "Compare with GPT-2's trained tables",
        "Mit den trainierten Tabellen von GPT-2 vergleichen",
    ),
    "gpt2.off": (
        "Choose “Compare with GPT-2's trained tables” to load them (158 MB, once).",
        "Wählen Sie „Mit den trainierten Tabellen von GPT-2 vergleichen“, um sie zu laden (158 MB, "
        "einmalig).",
    ),
    "gpt2.loading": ("Loading GPT-2's token and position tables…", "Die Tabellen von GPT-2 werden geladen…"),
    "gpt2.loading_mb": (
        "Loading GPT-2's tables: {done:.1f} of {total:.1f} MB",
        "Die Tabellen von GPT-2 werden geladen: {done:.1f} von {total:.1f} MB",
    ),
    "gpt2.unavailable": (
        "**GPT-2's trained embeddings cannot be shown here.** {message}\n\nEverything else in this view "
        "works without them.",
        "**Die trainierten Embeddings von GPT-2 können hier nicht gezeigt werden.** {message}\n\nAlles "
        "andere in dieser Ansicht funktioniert auch ohne sie.",
    ),
    "gpt2.retry": ("Try again", "Erneut versuchen"),
    "gpt2.source": ("Loaded from {source}", "Geladen aus {source}"),
    "gpt2.compare": (
        "The same sentence twice: on the left random tables of GPT-2's size ({dim} dimensions, seed {seed}, "
        "{positions:,} positions), on the right GPT-2's trained ones. Each side has its own PCA.",
        "Derselbe Satz zweimal: links Zufallstabellen in der Größe von GPT-2 ({dim} Dimensionen, Seed "
        "{seed}, {positions} Positionen), rechts die trainierten von GPT-2. Jede Seite hat ihre eigene "
        "PCA.",
    ),
    "gpt2.side.random": ("Random ({dim} dims, seed {seed})", "Zufällig ({dim} Dimensionen, Seed {seed})"),
    "gpt2.side.gpt2": ("GPT-2, trained", "GPT-2, trainiert"),
    "gpt2.nb": (
        "Nearest neighbours of {token} among all 50,257 tokens:",
        "Nächste Nachbarn von {token} unter allen 50.257 Tokens:",
    ),
    "gpt2.curve_title": (
        "**The {n:,} position embeddings, joined in order**",
        "**Die {n} Positions-Embeddings, der Reihe nach verbunden**",
    ),
    "gpt2.curve.random": (
        "Random position embeddings are a cloud: position 5 is no closer to position 6 than to position 900.",
        "Zufällige Positions-Embeddings sind eine Wolke: Position 5 liegt nicht näher an Position 6 als an "
        "Position 900.",
    ),
    "gpt2.curve.gpt2": (
        "GPT-2's position embeddings form a smooth path: it learned to give neighbouring positions similar "
        "vectors.",
        "Die Positions-Embeddings von GPT-2 bilden einen glatten Pfad: GPT-2 hat gelernt, benachbarten "
        "Positionen ähnliche Vektoren zu geben.",
    ),
    # The server's training queue (embedviz.train_queue) as the page shows it.
    "train.queued": (
        "Waiting in line: place {place} of the server's training runs · about {seconds} s until yours is "
        "done. Runs take turns on the server's cores; you can keep looking at the page.",
        "In der Warteschlange: Platz {place} der Trainingsläufe des Servers · noch etwa {seconds} s, bis "
        "Ihrer fertig ist. Die Läufe wechseln sich auf den Rechenkernen des Servers ab; Sie können sich "
        "die Seite weiter ansehen.",
    ),
    "train.running": (
        "Step {step} of {steps} · loss {loss} · about {seconds} s left",
        "Schritt {step} von {steps} · Verlust {loss} · noch etwa {seconds} s",
    ),
    "train.failed": ("The training run failed: {message}", "Der Trainingslauf ist fehlgeschlagen: {message}"),
    "train.refused": (
        "The server has no memory for this training run right now: it needs {needed} MB, {available} MB "
        "are free (limit {limit} MB). Press **Train** again in a moment, when other runs are done, or "
        "choose fewer dimensions.",
        "Der Server hat gerade keinen Speicher für diesen Trainingslauf: Er braucht {needed} MB, frei sind "
        "{available} MB (Grenze {limit} MB). Drücken Sie gleich noch einmal **Trainieren**, wenn andere "
        "Läufe fertig sind, oder wählen Sie weniger Dimensionen.",
    ),
    "train.use_lesson_sentence": ("Use the exercise's sentence", "Den Satz der Übung verwenden"),
    "train.use_lesson_sentence_help": (
        "Puts a sentence with two words of every group (animals, colours, numbers, days) into the text box.",
        "Setzt einen Satz mit zwei Wörtern jeder Gruppe (Tiere, Farben, Zahlen, Wochentage) ins Textfeld.",
    ),
}
