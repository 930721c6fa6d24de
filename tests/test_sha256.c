/* test_sha256.c - SHA-256 (sim/sha256.h) against the standard's vectors.
 *
 * Pins: the digests of FIPS 180-4's examples ("abc", the 448-bit
 * two-block message) and of the empty string and one million 'a' (NIST's
 * SHA-256 test vectors), so that the wrapper around libcrypto hashes and
 * formats what it is given; and, as a differential test, coreutils' sha256sum on the same random
 * messages (skipped, saying so, where sha256sum cannot be run).
 * Does not pin: speed; messages of 2^61 bytes or more (never hashed).
 */
#include "test_util.h"
#include <stdio.h>
#include <string.h>
#include "sim/sha256.h"

static void check(const char *msg, size_t n, const char *want)
{
	char hex[65];
	sha256_hex_of(msg, n, hex);
	if (strcmp(hex, want))
		print_error("sha256 of %zu bytes: %s, want %s\n", n, hex, want);
	assert_string_equal(hex, want);
}

static void test_vectors(void **state)
{
	(void)state;
	check("abc", 3,
	      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("", 0,
	      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check(two, strlen(two),
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char *a = malloc(1000000);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	check(a, 1000000,
	      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

static void test_vs_sha256sum(void **state)
{
	(void)state;
	uint64_t seed = test_seed(19);
	char *dir = test_tmpdir("sha256");
	char path[512], cmd[600];
	snprintf(path, sizeof(path), "%s/m", dir);
	uint64_t x = seed;
	for (int k = 0; k < 20; k++) {
		size_t n = (size_t)(k * k * 37 % 5000);
		unsigned char *m = malloc(n + 1);
		assert_non_null(m);
		for (size_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			m[i] = (unsigned char)(x >> 56);
		}
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(m, 1, n, f), n);
		assert_int_equal(fclose(f), 0);
		snprintf(cmd, sizeof(cmd), "sha256sum '%s' 2>/dev/null", path);
		FILE *p = popen(cmd, "r");
		char want[80] = "";
		int got = p && fscanf(p, "%64s", want) == 1;
		if (p)
			pclose(p);
		if (!got || strlen(want) != 64) {
			printf("SKIP: sha256sum cannot be run: no differential check\n");
			free(m);
			break;
		}
		char hex[65];
		sha256_hex_of(m, n, hex);
		assert_string_equal(hex, want);
		free(m);
	}
	test_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_vs_sha256sum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
