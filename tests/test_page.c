/* test_page.c - cmocka tests for sim/cli/page.c and sim/cli/human.c, the
 * writers behind `bpfsim report` and `bpfsim diff`'s text.
 *
 * Pins: base64 against the test vectors of RFC 4648 section 10 and, for
 * every length 0..300 of pseudo-random bytes, against a decoder the test
 * carries itself (round trip); HTML escaping of & < > " in text, titles
 * and table cells, and Markdown escaping of | and markup characters in a
 * table row; a figure's data URI (PNG and SVG types) and its Markdown link;
 * page_figure's refusal of a missing file; human units: the scale chosen
 * for ns (ns, µs, ms, s by magnitude), ratios (%), other units (as is),
 * and "mean ± half" to the half-width's second significant digit.
 * Does not pin: the page's style sheet or layout (tests/cli/report.sh
 * checks the whole page is well-formed and holds the figures).
 */
#include "test_util.h"

#include "sim/cli/human.h"
#include "sim/cli/page.h"

/* The whole of a memory stream after fflush. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static void mem_close(struct mem *m)
{
	fclose(m->f);
	free(m->buf);
}

static const char *b64(const void *in, size_t n, struct mem *m)
{
	mem_open(m);
	page_base64(m->f, in, n);
	fflush(m->f);
	return m->buf;
}

static void test_base64_rfc4648(void **state)
{
	(void)state;
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		struct mem m;
		assert_string_equal(b64(vec[i][0], strlen(vec[i][0]), &m), vec[i][1]);
		mem_close(&m);
	}
}

/* The test's own decoder: 6 bits per character, '=' ends. */
static size_t unb64(const char *s, unsigned char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;
	for (; *s && *s != '='; s++) {
		const char *p = strchr(tab, *s);
		assert_non_null(p);
		acc = acc << 6 | (unsigned)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return n;
}

static void test_base64_round_trip(void **state)
{
	(void)state;
	unsigned char in[300], out[300];
	uint64_t x = test_seed(7);
	for (size_t n = 0; n <= sizeof(in); n++) {
		for (size_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			in[i] = (unsigned char)(x >> 56);
		}
		struct mem m;
		const char *s = b64(in, n, &m);
		assert_int_equal(strlen(s), (n + 2) / 3 * 4);
		assert_int_equal(unb64(s, out), n);
		assert_memory_equal(in, out, n);
		mem_close(&m);
	}
}

static void test_escaping(void **state)
{
	(void)state;
	struct mem h, md;
	mem_open(&h);
	mem_open(&md);
	struct page p = { h.f, md.f };
	page_heading(&p, 2, "a <b> & \"c\"");
	const char *head[] = { "metric", "x|y" };
	const char *row[] = { "wait_p99", "1 < 2 & 3 > 2" };
	page_table_begin(&p, head, 2);
	page_row(&p, row, 2, "the \"99th\" percentile");
	page_table_end(&p);
	fflush(h.f);
	fflush(md.f);
	assert_non_null(strstr(h.buf, "<h2>a &lt;b&gt; &amp; &quot;c&quot;</h2>"));
	assert_non_null(strstr(h.buf, "<td title=\"the &quot;99th&quot; "
				      "percentile\">wait_p99</td>"));
	assert_non_null(strstr(h.buf, "<td class=\"n\">1 &lt; 2 &amp; 3 &gt; 2</td>"));
	assert_null(strstr(h.buf, "1 < 2"));
	assert_non_null(strstr(md.buf, "| metric | x\\|y |"));
	assert_non_null(strstr(md.buf, "| wait\\_p99 | 1 \\< 2 & 3 \\> 2 |"));
	assert_non_null(strstr(md.buf, "## a \\<b\\> & \"c\""));
	mem_close(&h);
	mem_close(&md);
}

static void test_figure(void **state)
{
	(void)state;
	char *dir = test_tmpdir("page");
	test_put_file(dir, "f.png", "foobar");
	test_put_file(dir, "g.svg", "fo");
	struct mem h, md;
	mem_open(&h);
	mem_open(&md);
	struct page p = { h.f, md.f };
	struct err e;
	err_init(&e);
	assert_int_equal(page_figure(&p, dir, "f.png", "a & b", &e), 0);
	assert_int_equal(page_figure(&p, dir, "g.svg", "svg", &e), 0);
	assert_int_equal(page_figure(&p, dir, "none.png", "x", &e), -1);
	assert_int_equal(e.status, ERR_RUNTIME);
	assert_non_null(strstr(e.file, "none.png"));
	fflush(h.f);
	fflush(md.f);
	assert_non_null(strstr(h.buf, "src=\"data:image/png;base64,Zm9vYmFy\"/>"));
	assert_non_null(strstr(h.buf, "src=\"data:image/svg+xml;base64,Zm8=\"/>"));
	assert_non_null(strstr(h.buf, "<figcaption>f.png: a &amp; b</figcaption>"));
	assert_non_null(strstr(md.buf, "![a & b](<f.png>)"));
	mem_close(&h);
	mem_close(&md);
	test_rm_rf(dir);
	free(dir);
}

static void test_human(void **state)
{
	(void)state;
	struct human_scale s;
	char buf[64];
	static const struct {
		double x;
		const char *unit;
	} ns[] = { { 999, "ns" }, { 1000, "µs" }, { 2.5e6, "ms" },
		   { 3e9, "s" }, { -4e6, "ms" }, { NAN, "ns" } };
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		human_scale("ns", ns[i].x, &s);
		assert_string_equal(s.unit, ns[i].unit);
	}
	human_scale("ratio", 0.018, &s);
	assert_string_equal(s.unit, "%");
	assert_string_equal(human_num(0.018486, &s, 4, buf, sizeof(buf)), "1.849");
	human_scale("1/s", 156041, &s);
	assert_string_equal(s.unit, "1/s");
	assert_string_equal(human_num(156041, &s, 6, buf, sizeof(buf)), "156041");
	assert_string_equal(human_num(NAN, &s, 6, buf, sizeof(buf)), "-");
	/* The mean to the half-width's second significant digit. */
	assert_string_equal(human_mean_ci(580.06, 0.62, "ns", buf, sizeof(buf)),
			    "580.06 ± 0.62 ns");
	assert_string_equal(human_mean_ci(5.174e7, 1.6e5, "ns", buf, sizeof(buf)),
			    "51.74 ± 0.16 ms");
	assert_string_equal(human_mean_ci(0.018486, 0.000073, "ratio", buf,
					  sizeof(buf)), "1.8486 ± 0.0073%");
	assert_string_equal(human_mean_ci(380, 19, "count", buf, sizeof(buf)),
			    "380 ± 19 count");
	assert_string_equal(human_mean_ci(2e8, 0, "ns", buf, sizeof(buf)),
			    "200 ms");
	assert_string_equal(human_mean_ci(NAN, 1, "ns", buf, sizeof(buf)), "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_rfc4648),
		cmocka_unit_test(test_base64_round_trip),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_figure),
		cmocka_unit_test(test_human),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
