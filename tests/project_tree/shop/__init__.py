"""Models for the shop: product categories from tabular features, customer churn."""
