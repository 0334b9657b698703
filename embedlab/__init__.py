"""EmbedLab: see and play with static, contextual and sentence embeddings.

The package works without Streamlit::

    from embedlab.serving.registry import load_model
    from embedlab.static import model as static
    model = load_model("minilm-static")
    static.neighbors(model, "king", topn=5)

Only :mod:`embedlab.ui` imports Streamlit; pages call it for everything on screen and import the
backend modules they take data from (``tests/test_layering.py`` holds the layers).
"""

__version__ = "0.1.0"
