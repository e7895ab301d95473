"""The Streamlit page: one small module per section, in the seed's order. Only this package imports
Streamlit; it asks the core (``embedviz``) for numbers and never computes them itself."""
