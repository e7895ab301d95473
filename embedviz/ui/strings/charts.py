"""Strings of the chart host (``embedviz.ui.plotly_host``): what a chart says when it cannot draw."""

STRINGS: dict[str, tuple[str, str]] = {
    "chart.error": (
        "This chart could not be drawn (plotly.js did not load or the figure was refused). Reload the page.",
        "Dieses Diagramm konnte nicht gezeichnet werden (plotly.js wurde nicht geladen oder die Grafik "
        "abgelehnt). Laden Sie die Seite neu.",
    ),
}
