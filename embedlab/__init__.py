"""EmbedLab: see and play with static, contextual and sentence embeddings.

The package works without Streamlit::

    from embedlab.serving.registry import load_model
    from embedlab.static import model as static
    model = load_model("minilm-static")
    static.neighbors(model, "king", topn=5)

Only :mod:`embedlab.ui` imports Streamlit; pages import that module and nothing else of ours.
"""

__version__ = "0.1.0"
