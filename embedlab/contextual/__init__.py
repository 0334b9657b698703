"""Contextual and sentence vectors: the transformer engine (:mod:`.model`), polysemy (one word in many
sentences), sentence encoders and the optional ONNX fast path.
"""
