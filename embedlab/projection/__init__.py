"""Pictures of a vector space: PCA / t-SNE / UMAP (:mod:`.engine`), the neighbour graph they share, how
honest a 2-D picture is (:mod:`.distortion`), word-group projections and the atlas of a whole vocabulary.
"""
