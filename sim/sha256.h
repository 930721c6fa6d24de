/* sha256.h - SHA-256 (FIPS PUB 180-4, section 6.2) of a byte string.
 *
 * Why here: summary.json names the scenario it ran by a cryptographic
 * hash of scenario.resolved.yaml, so that a reader can check a scenario
 * file against a result without trusting the writer's hash function to
 * resist collisions.  bpfsim links GSL, libyaml and (for calibrate)
 * libbpf; none of them exports a SHA-256 Debian 12 ships (libbpf 1.1 has
 * none), and libcrypto would be a new dependency for 100 lines.  So this
 * is a plain implementation from the standard, checked against the
 * standard's examples and NIST's byte-oriented test vectors
 * (tests/test_sha256.c).  It is not constant-time and hashes only what
 * bpfsim itself wrote: it is an identifier, not a security boundary.
 *
 * The manifest's scenario_fnv1a64 (manifest.h) is something else: FNV-1a
 * 64, a fast non-cryptographic hash over a slightly different text (the
 * resolved scenario without capacity:, plus trace lines), used to refuse a
 * --resume or merge of another experiment.
 *
 * Usage: sha256_init, sha256_add any number of times, sha256_hex.  The
 * state is caller-owned; no allocation, no errors.
 */
#ifndef BPFSIM_SHA256_H
#define BPFSIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];        /* the running hash value H(i) */
	uint64_t len;         /* bytes added so far */
	unsigned char buf[64];/* the current, partial 512-bit block */
	size_t nbuf;          /* bytes in buf */
};

void sha256_init(struct sha256 *s);
/* Append n bytes of p to the message. */
void sha256_add(struct sha256 *s, const void *p, size_t n);
/* Pad, finish and write the 32-byte digest as 64 lowercase hex digits and
 * a NUL into hex[65].  s is spent (sha256_init it to reuse). */
void sha256_hex(struct sha256 *s, char hex[65]);
/* The digest of p[0..n) in one call. */
void sha256_hex_of(const void *p, size_t n, char hex[65]);

#endif
