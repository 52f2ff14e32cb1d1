"""Uploaded images, for every domain that takes them (chat messages, problem attempts).

`images` checks an upload by its content and re-encodes it without metadata, `services` stores
the file and its row, `views` serves a stored image back with headers that keep it inert.
Who may upload or see an image is the policy's question, asked by the domain that uses it.
"""
