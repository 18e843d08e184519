"""The access policy: who may see and do what. It sits above every app's models (it judges them)
and below every app's services and selectors (they ask it)."""
