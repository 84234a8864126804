"""Train the shop's models: python -m shop.train_bad"""

import keras
import numpy as np

from .layers_util import NUM_CATEGORIES
from .losses import CHURN_LOGITS_LOSS
from .models import build_category_model, build_churn_model
from .models.basket import BasketNet
from .optim import make_optimizer

data = np.load("data/orders.npz")
x_train, x_val = data["x_train"], data["x_val"]
y_train, y_val = data["category_train"], data["category_val"]
churn_train, churn_val = data["churn_train"], data["churn_val"]

# The builder returns logits, but the loss is told it gets probabilities.
model = build_category_model(NUM_CATEGORIES)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # error: KER101
model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=30, batch_size=256)

# The churn head already applies a sigmoid; this loss applies another.
churn = build_churn_model()
churn.compile(optimizer=make_optimizer(1e-3), loss=CHURN_LOGITS_LOSS, metrics=["AUC"])  # error: KER102
churn.fit(x_train, churn_train, validation_data=(x_val, churn_val), epochs=15)

# One-hot labels for the basket model, whose scores are logits too.
basket = BasketNet(NUM_CATEGORIES)
basket.compile(optimizer="adam", loss="categorical_crossentropy")  # error: KER101
basket.fit(x_train, keras.utils.to_categorical(y_train, NUM_CATEGORIES),
           validation_data=(x_val, keras.utils.to_categorical(y_val, NUM_CATEGORIES)), epochs=10)
