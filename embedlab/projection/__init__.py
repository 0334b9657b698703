"""Pictures of a vector space: PCA / t-SNE / UMAP (:mod:`.engine`, UMAP's layout descent: :mod:`.umap_layout`), the
neighbour graph they share (:mod:`.graph`, its exact search: :mod:`.knn`), how faithful a picture is overall
(:mod:`.quality`) and word by word (:mod:`.distortion`), word-group projections (:mod:`.word_projection`) and the
atlas of a whole vocabulary (:mod:`.atlas`, its regions: :mod:`.clusters`).
"""
