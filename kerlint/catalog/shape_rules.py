"""How each layer changes the shape of its input: a family name plus its parameters.

``kerlint.shapes`` holds one function per family; this table says which family a layer
belongs to. A layer that is not listed here has an unknown output shape, so rules that
need shapes stay silent after it.
"""

from __future__ import annotations

# Layers that leave the shape unchanged (regularisation, normalisation, activation,
# noise, pixel-wise preprocessing).
_IDENTITY = (
    "Activation ActivityRegularization AlphaDropout BatchNormalization Dropout ELU "
    "GaussianDropout GaussianNoise GroupNormalization Identity LayerNormalization LeakyReLU "
    "Masking Normalization PReLU ReLU RMSNormalization Rescaling Softmax UnitNormalization "
    "RandomBrightness RandomContrast RandomFlip RandomRotation RandomTranslation RandomZoom "
    "RandomHue RandomSaturation RandomSharpness RandomShear RandomColorDegeneration "
    "RandomColorJitter RandomGrayscale RandomInvert RandomPosterization RandomGaussianBlur "
    "RandomErasing RandomElasticTransform RandomPerspective AutoContrast Equalization "
    "Solarization AugMix CutMix MixUp RandAugment ThresholdedReLU Highway "
    "ContrastLimitedAdaptiveHistogramEqualization"
).split()

FAMILIES: dict[str, tuple[str, dict]] = {name: ("identity", {}) for name in _IDENTITY}

FAMILIES.update(
    {
        "InputLayer": ("input_layer", {}),
        "Dense": ("dense", {}),
        "Embedding": ("embedding", {}),
        "ReversibleEmbedding": ("embedding", {}),
        "Flatten": ("flatten", {}),
        "Reshape": ("reshape", {}),
        "Permute": ("permute", {}),
        "RepeatVector": ("repeat_vector", {}),
        "SpatialDropout1D": ("identity", {"rank": 3}),
        "SpatialDropout2D": ("identity", {"rank": 4}),
        "SpatialDropout3D": ("identity", {"rank": 5}),
        "LSTM": ("rnn", {}),
        "GRU": ("rnn", {}),
        "SimpleRNN": ("rnn", {}),
        "CuDNNLSTM": ("rnn", {}),
        "CuDNNGRU": ("rnn", {}),
        "RNN": ("rnn", {"units_from_cell": True}),
        "ConvLSTM1D": ("conv_rnn", {"rank": 1}),
        "ConvLSTM2D": ("conv_rnn", {"rank": 2}),
        "ConvLSTM3D": ("conv_rnn", {"rank": 3}),
        "Bidirectional": ("bidirectional", {}),
        "TimeDistributed": ("time_distributed", {}),
        "Conv1D": ("conv", {"rank": 1}),
        "Conv2D": ("conv", {"rank": 2}),
        "Conv3D": ("conv", {"rank": 3}),
        "SeparableConv1D": ("conv", {"rank": 1}),
        "SeparableConv2D": ("conv", {"rank": 2}),
        "DepthwiseConv1D": ("conv", {"rank": 1, "depthwise": True}),
        "DepthwiseConv2D": ("conv", {"rank": 2, "depthwise": True}),
        "Conv1DTranspose": ("conv", {"rank": 1, "transpose": True}),
        "Conv2DTranspose": ("conv", {"rank": 2, "transpose": True}),
        "Conv3DTranspose": ("conv", {"rank": 3, "transpose": True}),
        "MaxPooling1D": ("pool", {"rank": 1}),
        "MaxPooling2D": ("pool", {"rank": 2}),
        "MaxPooling3D": ("pool", {"rank": 3}),
        "AveragePooling1D": ("pool", {"rank": 1}),
        "AveragePooling2D": ("pool", {"rank": 2}),
        "AveragePooling3D": ("pool", {"rank": 3}),
        "GlobalMaxPooling1D": ("global_pool", {"rank": 1}),
        "GlobalMaxPooling2D": ("global_pool", {"rank": 2}),
        "GlobalMaxPooling3D": ("global_pool", {"rank": 3}),
        "GlobalAveragePooling1D": ("global_pool", {"rank": 1}),
        "GlobalAveragePooling2D": ("global_pool", {"rank": 2}),
        "GlobalAveragePooling3D": ("global_pool", {"rank": 3}),
        "AdaptiveAveragePooling1D": ("adaptive_pool", {"rank": 1}),
        "AdaptiveAveragePooling2D": ("adaptive_pool", {"rank": 2}),
        "AdaptiveAveragePooling3D": ("adaptive_pool", {"rank": 3}),
        "AdaptiveMaxPooling1D": ("adaptive_pool", {"rank": 1}),
        "AdaptiveMaxPooling2D": ("adaptive_pool", {"rank": 2}),
        "AdaptiveMaxPooling3D": ("adaptive_pool", {"rank": 3}),
        "UpSampling1D": ("upsampling", {"rank": 1}),
        "UpSampling2D": ("upsampling", {"rank": 2}),
        "UpSampling3D": ("upsampling", {"rank": 3}),
        "ZeroPadding1D": ("padding", {"rank": 1, "sign": 1}),
        "ZeroPadding2D": ("padding", {"rank": 2, "sign": 1}),
        "ZeroPadding3D": ("padding", {"rank": 3, "sign": 1}),
        "Cropping1D": ("padding", {"rank": 1, "sign": -1}),
        "Cropping2D": ("padding", {"rank": 2, "sign": -1}),
        "Cropping3D": ("padding", {"rank": 3, "sign": -1}),
        "Concatenate": ("concatenate", {}),
        "Add": ("elementwise", {}),
        "Subtract": ("elementwise", {}),
        "Multiply": ("elementwise", {}),
        "Average": ("elementwise", {}),
        "Maximum": ("elementwise", {}),
        "Minimum": ("elementwise", {}),
        "Dot": ("dot", {}),
        "Resizing": ("resize", {}),
        "CenterCrop": ("resize", {}),
        "RandomCrop": ("resize", {}),
        "Attention": ("attention", {}),
        "AdditiveAttention": ("attention", {}),
        "MultiHeadAttention": ("multi_head_attention", {}),
        "GroupQueryAttention": ("multi_head_attention", {}),
        # keras-self-attention (third party, see legacy.THIRD_PARTY_LAYERS)
        "SeqSelfAttention": ("identity", {}),
        "ScaledDotProductAttention": ("identity", {}),
        "SeqWeightedAttention": ("drop_time_axis", {}),
    }
)

# The merge functions of keras.layers and the layer class each one builds.
MERGE_FUNCTIONS = {
    "add": "Add",
    "subtract": "Subtract",
    "multiply": "Multiply",
    "average": "Average",
    "maximum": "Maximum",
    "minimum": "Minimum",
    "concatenate": "Concatenate",
    "dot": "Dot",
}

# Layers that hold weights and an activation: candidates for a model's output layer.
# Value: the argument that gives the number of output units.
OUTPUT_LAYERS = {
    "Dense": "units",
    "Conv1D": "filters",
    "Conv2D": "filters",
    "Conv3D": "filters",
    "SeparableConv1D": "filters",
    "SeparableConv2D": "filters",
    "Conv1DTranspose": "filters",
    "Conv2DTranspose": "filters",
    "Conv3DTranspose": "filters",
    "LSTM": "units",
    "GRU": "units",
    "SimpleRNN": "units",
    "EinsumDense": None,
}
