from .heads import build_category_model, build_churn_model

__all__ = ["build_category_model", "build_churn_model"]
