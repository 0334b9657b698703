"""Static word vectors: the model (:mod:`.model`), neighbours and ANN indexes, analogies, evaluation (its
test sets, scoring and reports), comparing two spaces, semantic axes and WEAT.
"""
