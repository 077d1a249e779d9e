"""Authenticity of WACZ packages: signing keys, signatures, RFC 3161 timestamps and their verification.

Follows Webrecorder's WACZ Signing and Verification spec (wacz-auth 0.1.0):
``datapackage-digest.json`` holds the SHA-256 of ``datapackage.json`` and a
``signedData`` object, signed by our own anonymous ECDSA key or by a domain
certificate through an authsign signing server.
"""
