"""Specter's request signature: `md5(outer + md5(inner + sbmId + SUBJECT))` over Latin-1 bytes.

API v1 signs with "MD5 key 1" inside and "MD5 key 2" outside; API v2 with the ApiUserKey inside
and the IntegrationKey outside. The shape is the same; only the secrets' names differ.
"""

from __future__ import annotations

import hashlib

from magspec_pipelines.specter.codec import latin1_bytes


def md5_hex(text: str) -> str:
    # PHP's md5() answers lower-case hex, and the outer hash is taken over that text.
    return hashlib.md5(latin1_bytes(text)).hexdigest()


def request_key(inner_secret: str, outer_secret: str, sbm_id: str, subject: str) -> str:
    return md5_hex(outer_secret + md5_hex(inner_secret + sbm_id + subject))


def key_v1(md5_key1: str, md5_key2: str, sbm_id: str, subject: str) -> str:
    return request_key(md5_key1, md5_key2, sbm_id, subject)


def key_v2(api_user_key: str, integration_key: str, sbm_id: str, subject: str) -> str:
    return request_key(api_user_key, integration_key, sbm_id, subject)
