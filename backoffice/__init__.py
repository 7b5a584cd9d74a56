"""What looks across the apps for organisers: the participation dashboard and the exports.

It imports any app below it and none imports it.
"""
