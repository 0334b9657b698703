"""Pictures of a vector space: PCA / t-SNE / UMAP (:mod:`.engine`), the neighbour graph they share (:mod:`.knn`), how
faithful a picture is overall (:mod:`.quality`) and word by word (:mod:`.distortion`), word-group projections
(:mod:`.word_projection`) and the atlas of a whole vocabulary (:mod:`.atlas`, its regions: :mod:`.clusters`).
"""
