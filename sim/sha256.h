/* sha256.h - the SHA-256 of a byte string, as 64 hex digits.
 *
 * Why: summary.json names the scenario it ran by a cryptographic hash of
 * scenario.resolved.yaml, so that a reader can check a scenario file
 * against a result (`sha256sum scenario.resolved.yaml`).  The digest is
 * OpenSSL's (libcrypto's EVP interface, Debian's libssl-dev): bpfsim does
 * not carry its own hash function.
 *
 * The manifest's scenario_fnv1a64 (manifest.h) is something else: FNV-1a
 * 64, a fast non-cryptographic hash over a slightly different text (the
 * resolved scenario without capacity:, plus trace lines), used to refuse a
 * --resume or merge of another experiment.
 */
#ifndef BPFSIM_SHA256_H
#define BPFSIM_SHA256_H

#include <stddef.h>

/* The digest of p[0..n) as 64 lowercase hex digits and a NUL in hex[65].
 * 0, or -1 (libcrypto could not allocate its context) with hex "". */
int sha256_hex_of(const void *p, size_t n, char hex[65]);

#endif
