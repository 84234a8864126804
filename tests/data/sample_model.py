# Seed 000's model, frozen for the format and integration tests: KER203 at 6:46, KER101 at 9:5.
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Embedding(input_dim=len(idx_to_word), output_dim=300),
    tf.keras.layers.Dropout(0.2, noise_shape=[None, 50, 1]),
    tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(512, use_bias=False)),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(512, recurrent_dropout=0.2, dropout=0.2)),
    tf.keras.layers.Dense(len(label_to_idx))
])
model.compile(loss=tf.keras.losses.CategoricalCrossentropy(),
              optimizer=tf.keras.optimizers.Adam(1e-3),
              metrics=['accuracy'])
history = model.fit(
    X, one_hot_labels, epochs=10, batch_size=64,
    validation_split=0.1, verbose=1, shuffle=True)
