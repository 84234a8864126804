"""Train the shop's models: python -m shop.train_good"""

import keras
import numpy as np

from .layers_util import NUM_CATEGORIES
from .losses import CATEGORY_LOSS, weighted_churn_loss
from .models import build_category_model, build_churn_model
from .models.basket import BasketNet

data = np.load("data/orders.npz")
x_train, x_val = data["x_train"], data["x_val"]
y_train, y_val = data["category_train"], data["category_val"]
churn_train, churn_val = data["churn_train"], data["churn_val"]

# Logits out, and a loss that knows it.
model = build_category_model(NUM_CATEGORIES)
model.compile(optimizer="adam", loss=CATEGORY_LOSS, metrics=["accuracy"])
model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=30, batch_size=256)

# Probabilities out, for the dashboard: the caller gives the head its softmax.
probs = build_category_model(NUM_CATEGORIES, hidden=(64,), head_activation="softmax")
probs.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
probs.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=30, batch_size=256)

churn = build_churn_model()
churn.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=weighted_churn_loss, metrics=["AUC"])
churn.fit(x_train, churn_train, validation_data=(x_val, churn_val), epochs=15)

basket = BasketNet(NUM_CATEGORIES)
basket.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
basket.fit(x_train, keras.utils.to_categorical(y_train, NUM_CATEGORIES),
           validation_data=(x_val, keras.utils.to_categorical(y_val, NUM_CATEGORIES)), epochs=10)
