"""Page sections: each shows one stage of the pipeline (tokens, vectors, 3D space, neighbours, reproduce)."""
