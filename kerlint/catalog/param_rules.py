"""How many weights each layer creates: a parameter-count rule plus its parameters.

``kerlint.params`` holds one function per rule; this table says which rule a layer follows.
A layer that is not listed here has an unknown count (``?`` in a summary, and unknown model
totals): kerlint never guesses. Every entry is checked against Keras (tests/test_params.py
builds each parameterless layer and counts its weights; the shape proof compares every count
on generated models).
"""

from __future__ import annotations

# Layers that create no weights at all, whatever their arguments (checked with Keras 3.15:
# ``count_params() == 0`` once built). Normalization (adapted mean/variance/count) and the
# string/integer lookups (vocabulary tables) hold state and are not here.
_NONE = (
    "Activation ActivityRegularization AlphaDropout Dropout ELU GaussianDropout GaussianNoise "
    "Identity LeakyReLU Masking ReLU Rescaling Softmax UnitNormalization "
    "SpatialDropout1D SpatialDropout2D SpatialDropout3D "
    "Flatten Reshape Permute RepeatVector "
    "MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D "
    "GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D "
    "GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D "
    "AdaptiveAveragePooling1D AdaptiveAveragePooling2D AdaptiveAveragePooling3D "
    "AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D "
    "UpSampling1D UpSampling2D UpSampling3D "
    "ZeroPadding1D ZeroPadding2D ZeroPadding3D Cropping1D Cropping2D Cropping3D "
    "Concatenate Add Subtract Multiply Average Maximum Minimum Dot "
    "Resizing CenterCrop RandomCrop RandomFlip RandomRotation RandomTranslation RandomZoom "
    "RandomContrast RandomBrightness"
).split()

RULES: dict[str, tuple[str, dict]] = {name: ("none", {}) for name in _NONE}

RULES.update(
    {
        # units * (features + bias)
        "Dense": ("dense", {}),
        "EinsumDense": ("einsum_dense", {}),
        # input_dim * output_dim
        "Embedding": ("embedding", {}),
        # kernel (window x in-channels / groups x filters) + bias (filters)
        "Conv1D": ("conv", {"rank": 1}),
        "Conv2D": ("conv", {"rank": 2}),
        "Conv3D": ("conv", {"rank": 3}),
        # kernel (window x filters x in-channels) + bias (filters)
        "Conv1DTranspose": ("conv", {"rank": 1, "transpose": True}),
        "Conv2DTranspose": ("conv", {"rank": 2, "transpose": True}),
        "Conv3DTranspose": ("conv", {"rank": 3, "transpose": True}),
        # depthwise (window x in-channels x multiplier) + pointwise (in x multiplier x filters) + bias
        "SeparableConv1D": ("conv", {"rank": 1, "separable": True}),
        "SeparableConv2D": ("conv", {"rank": 2, "separable": True}),
        # depthwise (window x in-channels x multiplier) + bias (in-channels x multiplier)
        "DepthwiseConv1D": ("conv", {"rank": 1, "depthwise": True}),
        "DepthwiseConv2D": ("conv", {"rank": 2, "depthwise": True}),
        # gates x (units x (features + units) + bias); GRU's bias doubles with reset_after
        "LSTM": ("rnn", {"gates": 4}),
        "GRU": ("rnn", {"gates": 3}),
        "SimpleRNN": ("rnn", {"gates": 1}),
        # 4 gates x window x (in-channels + filters) x filters + bias
        "ConvLSTM1D": ("conv_rnn", {"rank": 1}),
        "ConvLSTM2D": ("conv_rnn", {"rank": 2}),
        "ConvLSTM3D": ("conv_rnn", {"rank": 3}),
        # the wrapped layer twice (forward and backward); the merge mode adds nothing
        "Bidirectional": ("bidirectional", {}),
        # the wrapped layer, on one time step
        "TimeDistributed": ("time_distributed", {}),
        # gamma + beta trainable, moving mean + variance not, per channel of ``axis``
        "BatchNormalization": ("normalization", {"moving": True}),
        # gamma + beta per element of ``axis``
        "LayerNormalization": ("normalization", {}),
        "GroupNormalization": ("normalization", {}),
        # one scale per element of ``axis``
        "RMSNormalization": ("rms_normalization", {}),
        # query, key, value and output projections (each with a bias when use_bias)
        "MultiHeadAttention": ("multi_head_attention", {}),
        # the same with fewer key/value heads, a gate projection with use_gate
        "GroupQueryAttention": ("grouped_query_attention", {}),
        # a scalar scale when use_scale, a scalar concat weight with score_mode="concat"
        "Attention": ("attention", {}),
        # a scale per query feature when use_scale
        "AdditiveAttention": ("additive_attention", {}),
        # one alpha per input element, shared along ``shared_axes``
        "PReLU": ("prelu", {}),
    }
)
