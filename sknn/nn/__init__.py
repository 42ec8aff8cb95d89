"""The pure-NumPy backprop core: layers, activations, losses, optimizers, training loop.

Nothing in this package imports scikit-learn.
"""
