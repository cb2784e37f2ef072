"""Untrusted text: error output, questions, requests, REST conf, UI input and model output.

One home for what every flow does with text it did not write: `redaction` (secrets out, e-mail/IP
masking), `limits` (documented caps, head-and-tail clipping that says what it cut) and `regex`
(patterns that run in time linear in the input, so no text can stall a task).
"""
