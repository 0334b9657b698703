"""What a server holds across sessions: the model registry, the pool of loaded models, the model manager
(download, convert, delete) and the Milvus store for semantic search.
"""
