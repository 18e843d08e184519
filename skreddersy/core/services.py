"""Writes for the organisation. (Failed logins are counted by django-axes: see core/login.py.)"""
