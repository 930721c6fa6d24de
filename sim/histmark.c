/* histmark.c - cumulative histogram snapshots at marks (histmark.h). */
#include <string.h>

#include "sim/check.h"
#include "sim/histmark.h"

void hmark_init_none(struct hmark *m)
{
	memset(m, 0, sizeof(*m));
	m->next = m->limit = UINT64_MAX;
}

void hmark_init_at(struct hmark *m, uint64_t t)
{
	hmark_init_none(m);
	if (t == 0)
		return;
	m->next = m->limit = t;
	m->step = t;
}

void hmark_init_spread(struct hmark *m, uint64_t window, uint64_t end)
{
	hmark_init_none(m);
	if (window == 0)
		return;
	if (end == UINT64_MAX) {
		m->step = window;
		m->thin = 1;
	} else {
		uint64_t nwin = end / window + (end % window != 0);
		uint64_t half = (nwin + 1) / 2;
		uint64_t k = (half + HMARK_MAX - 2) / (HMARK_MAX - 1);
		m->step = window * (k ? k : 1);
		/* One mark at or beyond every cut of at most half the windows. */
		m->limit = m->step * (HMARK_MAX - 1);
	}
	m->next = m->step;
}

size_t hmark_track(struct hmark *m, const struct lhist *h)
{
	SIM_CHECK(m->nh < HMARK_HISTS && m->n == 0);
	m->h[m->nh] = h;
	return m->nh++;
}

void hmark_track_values(struct hmark *m, size_t n,
			void (*gather)(void *ctx, double *out), void *ctx)
{
	SIM_CHECK(n <= HMARK_VALS && m->n == 0);
	m->nv = n;
	m->gather = gather;
	m->gctx = ctx;
}

void hmark_fini(struct hmark *m)
{
	for (size_t k = 0; k < HMARK_MAX; k++)
		for (size_t i = 0; i < HMARK_HISTS; i++)
			lhist_snap_fini(&m->snap[k][i]);
	hmark_init_none(m);
}

/* Keep marks 1, 3, 5, ... (0-based: every second mark, the even
 * multiples of the step) and double the step. */
static void thin(struct hmark *m)
{
	size_t j = 0;
	for (size_t k = 1; k < m->n; k += 2, j++) {
		m->at[j] = m->at[k];
		memcpy(m->val[j], m->val[k], m->nv * sizeof(double));
		for (size_t i = 0; i < m->nh; i++) {
			struct lhist_snap t = m->snap[j][i];
			m->snap[j][i] = m->snap[k][i];
			m->snap[k][i] = t;   /* keeps the buffer for reuse */
		}
	}
	m->n = j;
	m->step *= 2;
	m->next = m->at[j - 1] + m->step;
}

int hmark_take(struct hmark *m, uint64_t now)
{
	while (now >= m->next && m->next <= m->limit) {
		if (m->n == HMARK_MAX) {
			if (!m->thin) {
				m->next = UINT64_MAX;
				break;
			}
			thin(m);
			continue;
		}
		for (size_t i = 0; i < m->nh; i++)
			if (lhist_snap_take(&m->snap[m->n][i], m->h[i]))
				return -1;
		if (m->nv)
			m->gather(m->gctx, m->val[m->n]);
		m->at[m->n++] = m->next;
		m->next = m->next > UINT64_MAX - m->step ? UINT64_MAX
							  : m->next + m->step;
	}
	if (m->next > m->limit)
		m->next = UINT64_MAX;
	return 0;
}

int hmark_since(const struct hmark *m, size_t i, uint64_t cut,
		struct lhist *out, uint64_t *used)
{
	SIM_CHECK(i < m->nh);
	for (size_t k = 0; k < m->n; k++) {
		if (m->at[k] < cut)
			continue;
		lhist_reset(out);
		lhist_merge(out, m->h[i]);
		lhist_sub(out, &m->snap[k][i]);
		*used = m->at[k];
		return 0;
	}
	return -1;
}

int hmark_values_since(const struct hmark *m, uint64_t cut, double *out,
		       uint64_t *used)
{
	for (size_t k = 0; k < m->n; k++) {
		if (m->at[k] < cut)
			continue;
		memcpy(out, m->val[k], m->nv * sizeof(double));
		*used = m->at[k];
		return 0;
	}
	return -1;
}
