"""The console playground (``inkwell play``): Inkwell's commands in a terminal, no Discord.

Its user is the operator, so it may say what members are not told (paths, server URLs).
"""
