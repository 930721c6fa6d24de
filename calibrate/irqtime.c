/* irqtime.c - interrupt and softirq time on the live host (irqrate.h;
 * irqtime.h is what it shares with irqtime.bpf.c).
 *
 * Counts come from /proc (no BPF): /proc/stat's "intr" total (every
 * interrupt, device and system vectors: timer, IPIs) and "softirq" total
 * (softirq handler runs), read at both ends of the window.  Durations
 * come from irqtime.bpf.c's tp_btf programs when the kernel loads them
 * (first with the x86 system vectors, then with the device and softirq
 * hooks only); where it refuses, the caller says so and estimates.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "calibrate/irqrate.h"
#include "calibrate/irqtime.h"
#include "calibrate/live.h"
#include "irqtime.skel.h"

int irq_counts_read(struct irq_counts *ic)
{
	char line[256];
	FILE *f = fopen("/proc/stat", "r");
	memset(ic, 0, sizeof(*ic));
	if (!f)
		return -errno;
	int got = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		if (sscanf(line, "intr %llu", &v) == 1) {
			ic->intr = (double)v;
			got |= 1;
		} else if (sscanf(line, "softirq %llu", &v) == 1) {
			ic->softirq = (double)v;
			got |= 2;
		}
		/* "intr" holds a count per interrupt line: past the buffer;
		 * its tail pieces match neither pattern. */
	}
	fclose(f);
	return got == 3 ? 0 : -EINVAL;
}

struct irqtime {
	struct irqtime_bpf *skel;
	struct bpf_link *link[16];
	int nlinks;
	int vectors;           /* the x86 system vector programs loaded */
};

enum { NPROG = 12, NVEC = 8 };

/* Programs in two groups: the x86 system vectors first (NVEC), then the
 * portable ones. */
static void progs(struct irqtime_bpf *s, struct bpf_program **p)
{
	struct bpf_program *all[NPROG] = {
		s->progs.local_timer_entry, s->progs.local_timer_exit,
		s->progs.reschedule_entry, s->progs.reschedule_exit,
		s->progs.call_function_entry, s->progs.call_function_exit,
		s->progs.call_function_single_entry,
		s->progs.call_function_single_exit,
		s->progs.irq_handler_entry, s->progs.irq_handler_exit,
		s->progs.softirq_entry, s->progs.softirq_exit,
	};
	memcpy(p, all, sizeof(all));
}

static struct irqtime *try_start(int vectors, char *why, size_t whylen)
{
	struct irqtime *it = calloc(1, sizeof(*it));
	struct bpf_program *p[NPROG];
	if (!it) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	it->skel = irqtime_bpf__open();
	if (!it->skel) {
		snprintf(why, whylen, "cannot open the interrupt probes: %s",
			 strerror(errno));
		irqtime_free(it);
		return NULL;
	}
	progs(it->skel, p);
	for (int i = 0; i < NVEC; i++)
		bpf_program__set_autoload(p[i], vectors);
	live_log_clear();
	if (irqtime_bpf__load(it->skel)) {
		snprintf(why, whylen, "the kernel refused the tp_btf interrupt "
			 "probes (%s)", live_errno_name(errno));
		irqtime_free(it);
		return NULL;
	}
	for (int i = vectors ? 0 : NVEC; i < NPROG; i++) {
		struct bpf_link *l = bpf_program__attach(p[i]);
		if (!l) {
			snprintf(why, whylen, "cannot attach %s (%s)",
				 bpf_program__name(p[i]), live_errno_name(errno));
			irqtime_free(it);
			return NULL;
		}
		it->link[it->nlinks++] = l;
	}
	it->vectors = vectors;
	return it;
}

struct irqtime *irqtime_start(int *vectors, char *why, size_t whylen)
{
	struct irqtime *it = try_start(1, why, whylen);
	if (!it)
		it = try_start(0, why, whylen);
	*vectors = it ? it->vectors : 0;
	return it;
}

int irqtime_read(struct irqtime *it, struct chist c[IRQT_NHIST])
{
	struct hist *h = malloc(sizeof(*h));
	int rc = 0;
	if (!h)
		return -ENOMEM;
	for (uint32_t i = 0; i < IRQT_NHIST && !rc; i++)
		if (live_read_hist(bpf_map__fd(it->skel->maps.hists), i, h) ||
		    chist_from_hist(&c[i], h))
			rc = -EIO;
	free(h);
	return rc;
}

void irqtime_free(struct irqtime *it)
{
	if (!it)
		return;
	for (int i = 0; i < it->nlinks; i++)
		bpf_link__destroy(it->link[i]);
	irqtime_bpf__destroy(it->skel);
	free(it);
}
