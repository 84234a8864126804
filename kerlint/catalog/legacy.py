"""Hand-kept catalog data: Keras 1/2 names, module paths, removed APIs, third-party layers.

The generated part of the catalog (``keras_api.json``) only knows what Keras 3.15 exports.
Most buggy code in the wild is older, so this module maps the old spellings onto it.
"""

from __future__ import annotations

# Module prefixes that all mean "the Keras package". Longest first, so that
# ``tensorflow.keras`` is matched before a bare ``tensorflow`` would be.
KERAS_ROOTS = (
    "tensorflow.python.keras",
    "tensorflow.compat.v1.keras",
    "tensorflow.compat.v2.keras",
    "tensorflow.contrib.keras",
    "tensorflow.keras",
    "tf_keras.src",
    "tf_keras",
    "keras_core",
    "keras.src",
    "keras.api",
    "keras",
)

# Packages that are Keras 2 and stay Keras 2 whatever TensorFlow is installed: the tf_keras
# package and TensorFlow's internal copy. ``tensorflow.keras`` (and ``tf.compat.v1.keras``) is
# Keras 3 from TensorFlow 2.16 on, so an object taken from it is judged as Keras 3.
KERAS2_ROOTS = ("tensorflow.python.keras", "tf_keras")

# Keras 2 sub-module paths that now live directly under a public module.
# ``keras.layers.core.Dense`` -> ``layers.Dense``. Values are the public module.
LEGACY_SUBMODULES = {
    "layers.core": "layers",
    "layers.recurrent": "layers",
    "layers.recurrent_v2": "layers",
    "layers.convolutional": "layers",
    "layers.convolutional_recurrent": "layers",
    "layers.pooling": "layers",
    "layers.embeddings": "layers",
    "layers.normalization": "layers",
    "layers.normalization_v2": "layers",
    "layers.merge": "layers",
    "layers.wrappers": "layers",
    "layers.advanced_activations": "layers",
    "layers.noise": "layers",
    "layers.local": "layers",
    "layers.cudnn_recurrent": "layers",
    "layers.dense_attention": "layers",
    "layers.multi_head_attention": "layers",
    "engine.topology": "layers",
    "engine.input_layer": "layers",
    "engine.sequential": "models",
    "engine.training": "models",
    "engine.functional": "models",
    "utils.np_utils": "utils",
    "optimizers.legacy": "optimizers",
    "optimizers.optimizer_v2.adam": "optimizers",
    "losses.losses": "losses",
}

# Top-level shortcuts: ``keras.Sequential`` is ``keras.models.Sequential``.
TOP_LEVEL = {
    "Sequential": "models.Sequential",
    "Model": "models.Model",
    "Input": "layers.Input",
    "Layer": "layers.Layer",
    "Loss": "losses.Loss",
    "Optimizer": "optimizers.Optimizer",
    "Metric": "metrics.Metric",
}

# Layer names that Keras 3 no longer exports. ``replacement`` is the Keras 3 layer
# with the same behaviour, or None. ``family`` is the shape rule to use when the
# layer still appears in code (see shape_rules.FAMILIES).
LEGACY_LAYERS = {
    "CuDNNLSTM": {"replacement": "LSTM", "family": "rnn"},
    "CuDNNGRU": {"replacement": "GRU", "family": "rnn"},
    "Merge": {"replacement": None, "family": "unknown"},
    "Highway": {"replacement": None, "family": "identity"},
    "MaxoutDense": {"replacement": None, "family": "unknown"},
    "ThresholdedReLU": {"replacement": None, "family": "identity"},
    "LocallyConnected1D": {"replacement": None, "family": "unknown"},
    "LocallyConnected2D": {"replacement": None, "family": "unknown"},
    "AtrousConvolution1D": {"replacement": None, "family": "unknown"},
    "AtrousConvolution2D": {"replacement": None, "family": "unknown"},
    "DenseFeatures": {"replacement": None, "family": "unknown"},
}

# Keras 1 argument names, per layer (``*`` = any layer), mapped to the Keras 3 name.
# A value of None means the argument has no Keras 3 equivalent.
KERAS1_ARGS = {
    "*": {
        "init": "kernel_initializer",
        "W_regularizer": "kernel_regularizer",
        "b_regularizer": "bias_regularizer",
        "W_constraint": "kernel_constraint",
        "b_constraint": "bias_constraint",
        "bias": "use_bias",
    },
    "Dense": {"output_dim": "units"},
    "Conv1D": {
        "nb_filter": "filters",
        "filter_length": "kernel_size",
        "border_mode": "padding",
        "subsample_length": "strides",
    },
    "Conv2D": {"nb_filter": "filters", "border_mode": "padding", "subsample": "strides"},
    "Conv3D": {"nb_filter": "filters", "border_mode": "padding", "subsample": "strides"},
    "SeparableConv2D": {"nb_filter": "filters", "border_mode": "padding", "subsample": "strides"},
    "Conv2DTranspose": {"nb_filter": "filters", "border_mode": "padding", "subsample": "strides"},
    "MaxPooling1D": {"pool_length": "pool_size", "stride": "strides", "border_mode": "padding"},
    "AveragePooling1D": {"pool_length": "pool_size", "stride": "strides", "border_mode": "padding"},
    "MaxPooling2D": {"border_mode": "padding"},
    "AveragePooling2D": {"border_mode": "padding"},
    "MaxPooling3D": {"border_mode": "padding"},
    "AveragePooling3D": {"border_mode": "padding"},
    "LSTM": {"output_dim": "units", "inner_init": "recurrent_initializer", "inner_activation": "recurrent_activation",
             "U_regularizer": "recurrent_regularizer", "dropout_W": "dropout", "dropout_U": "recurrent_dropout"},
    "GRU": {"output_dim": "units", "inner_init": "recurrent_initializer", "inner_activation": "recurrent_activation",
            "U_regularizer": "recurrent_regularizer", "dropout_W": "dropout", "dropout_U": "recurrent_dropout"},
    "SimpleRNN": {"output_dim": "units", "inner_init": "recurrent_initializer",
                  "U_regularizer": "recurrent_regularizer", "dropout_W": "dropout", "dropout_U": "recurrent_dropout"},
    "Embedding": {"W_regularizer": "embeddings_regularizer", "W_constraint": "embeddings_constraint",
                  "init": "embeddings_initializer", "dropout": None},
    "BatchNormalization": {"mode": None, "beta_init": "beta_initializer", "gamma_init": "gamma_initializer"},
    "Dropout": {"p": "rate"},
    "SpatialDropout1D": {"p": "rate"},
    "SpatialDropout2D": {"p": "rate"},
    "SpatialDropout3D": {"p": "rate"},
    "GaussianDropout": {"p": "rate"},
    "UpSampling1D": {"length": "size"},
    "ZeroPadding1D": {},
}

# The Keras 1 arguments that multi-backend Keras 2.0–2.3 still took, converting them with a
# warning (its keras/legacy/interfaces.py), per layer class and model method. tf.keras and Keras 3
# reject them (tf.keras's fit() took nb_epoch up to TensorFlow 2.1); every other Keras 1
# argument raised in Keras 2 as well, or (BatchNormalization's mode, Embedding's dropout,
# samples_per_epoch) was dropped or converted with another meaning.
_K2_WEIGHTS = frozenset({"init", "W_regularizer", "b_regularizer", "W_constraint", "b_constraint", "bias"})
_K2_CONV = _K2_WEIGHTS | {"nb_filter", "border_mode", "subsample"}
_K2_RNN = frozenset({"output_dim", "init", "inner_init", "W_regularizer", "b_regularizer", "U_regularizer",
                     "dropout_W", "dropout_U"})
KERAS2_CONVERTED = {
    "Dense": _K2_WEIGHTS | {"output_dim"},
    "Conv1D": _K2_WEIGHTS | {"nb_filter", "filter_length", "subsample_length", "border_mode"},
    "Conv2D": _K2_CONV,
    "Conv3D": _K2_CONV,
    "Conv2DTranspose": _K2_CONV,
    "SeparableConv2D": frozenset({"nb_filter", "border_mode", "subsample", "b_regularizer", "b_constraint", "bias"}),
    "MaxPooling1D": frozenset({"pool_length", "stride", "border_mode"}),
    "AveragePooling1D": frozenset({"pool_length", "stride", "border_mode"}),
    "MaxPooling2D": frozenset({"border_mode"}),
    "AveragePooling2D": frozenset({"border_mode"}),
    "MaxPooling3D": frozenset({"border_mode"}),
    "AveragePooling3D": frozenset({"border_mode"}),
    "LSTM": _K2_RNN | {"inner_activation"},
    "GRU": _K2_RNN | {"inner_activation"},
    "SimpleRNN": _K2_RNN,
    "Embedding": frozenset({"init", "W_regularizer", "W_constraint"}),
    "BatchNormalization": frozenset({"beta_init", "gamma_init"}),
    "Dropout": frozenset({"p"}),
    "SpatialDropout1D": frozenset({"p"}),
    "SpatialDropout2D": frozenset({"p"}),
    "SpatialDropout3D": frozenset({"p"}),
    "GaussianDropout": frozenset({"p"}),
    "UpSampling1D": frozenset({"length"}),
    "fit": frozenset({"nb_epoch"}),
    "fit_generator": frozenset({"nb_epoch"}),
}

# Keras 1 arguments to ``fit`` / ``compile`` / ``evaluate``.
KERAS1_METHOD_ARGS = {
    "fit": {"nb_epoch": "epochs", "show_accuracy": None},
    "evaluate": {"show_accuracy": None},
    "fit_generator": {"nb_epoch": "epochs", "samples_per_epoch": None, "nb_val_samples": None},
}

# Third-party layers that kerlint understands. ``module`` prefixes identify them.
THIRD_PARTY_LAYERS = {
    # keras-self-attention: output keeps the input's shape (sequence axis included).
    "SeqSelfAttention": {"modules": ("keras_self_attention",), "family": "identity"},
    "SeqWeightedAttention": {"modules": ("keras_self_attention",), "family": "drop_time_axis"},
    "ScaledDotProductAttention": {"modules": ("keras_self_attention",), "family": "identity"},
}

# String loss names Keras accepts in compile(), mapped to the canonical function name.
LOSS_STRING_ALIASES = {
    "mse": "mean_squared_error",
    "MSE": "mean_squared_error",
    "mae": "mean_absolute_error",
    "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "MSLE": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "KLD": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
    "logcosh": "log_cosh",
    "huber_loss": "huber",
    "crossentropy": None,
}

# Activation names, by every spelling that resolves to them. ``None`` is linear.
ACTIVATION_ALIASES = {
    "linear": None,
    "softmax": "softmax",
    "sigmoid": "sigmoid",
    "hard_sigmoid": "hard_sigmoid",
    "log_softmax": "log_softmax",
    "relu": "relu",
    "tanh": "tanh",
}

# TensorFlow functions (outside tf.keras) that are activations.
# TensorFlow 2 modules that are Keras's own: tf.optimizers is tf.keras.optimizers, and so on.
TF_KERAS_ALIASES = ("optimizers", "losses", "metrics", "initializers")

TF_ACTIVATIONS = {
    "nn.softmax": "softmax",
    "math.softmax": "softmax",
    "nn.sigmoid": "sigmoid",
    "sigmoid": "sigmoid",
    "math.sigmoid": "sigmoid",
    "nn.log_softmax": "log_softmax",
    "math.log_softmax": "log_softmax",
    "nn.relu": "relu",
    "nn.relu6": "relu6",
    "nn.elu": "elu",
    "nn.selu": "selu",
    "nn.gelu": "gelu",
    "nn.silu": "silu",
    "nn.swish": "silu",
    "nn.leaky_relu": "leaky_relu",
    "nn.softplus": "softplus",
    "math.softplus": "softplus",
    "nn.tanh": "tanh",
    "tanh": "tanh",
    "math.tanh": "tanh",
}

# keras.ops functions that are activations (ops.softmax(x) is Activation("softmax")(x)).
OPS_ACTIVATIONS = ("softmax", "sigmoid", "relu", "tanh", "log_softmax")


def function_activation(canonical: str) -> str | None:
    """The activation a Keras/TensorFlow function applies (``activations.softmax``,
    ``tf.nn.softmax``, ``ops.sigmoid``), or None for any other function."""
    module, _, name = canonical.partition(".")
    if module == "activations":
        return "linear" if name == "linear" else name
    if module == "tf":
        return TF_ACTIVATIONS.get(name)
    if module == "ops":
        return name if name in OPS_ACTIVATIONS else None
    return None

# Layers whose only job is an activation: class name -> activation it applies.
ACTIVATION_LAYERS = {
    "Softmax": "softmax",
    "ReLU": "relu",
    "LeakyReLU": "leaky_relu",
    "PReLU": "prelu",
    "ELU": "elu",
    "ThresholdedReLU": "thresholded_relu",
}
