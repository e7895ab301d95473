"""Plotly figures, one module per picture (pure functions; no Streamlit, texts passed in).

``style`` (colours, fonts, cameras), ``vectors`` (heatmaps), ``space`` (the 3D view), ``batches``
(windows and tensors), ``training`` (loss, animation, position curve), ``lesson`` (groups before/after).
"""
