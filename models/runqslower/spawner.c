/* spawner.c - the parent tasks that fork the spawned tasks (spawner.h).
 *
 * A parent is a task of class CLS_SPAWNER that never exits.  Its life:
 * asleep (T_BLOCKED, no wake-up scheduled) until spawner_request queues a
 * fork with it and wakes it (world_wake: sched_wakeup on its timer's CPU,
 * as any sleeper); on a CPU, one segment per fork (cpu.c start_segment
 * draws spawner_fork_ns, split at slice ends like a resident's burst);
 * at the segment's end spawner_segment_end spawns the child with
 * sched_wakeup_new charged to the parent's CPU inside the parent's
 * stretch (the segment is re-opened at `now` with no payload, so the hook
 * is the only thing in it), then forks the next queued request or sleeps.
 */
#include <stdlib.h>

#include "models/runqslower/cpu.h"
#include "models/runqslower/ktime.h"
#include "models/runqslower/spawner.h"
#include "models/runqslower/world.h"
#include "sim/cfg.h"
#include "sim/check.h"

/* This host (Debian 12, 2 vCPUs of an AMD EPYC under Firecracker, kernel
 * 6.18): a small C parent's thread CPU time across fork() (fork, child
 * _exit, waitpid; 2 x 5,000 forks): mean 145-155 us, p50 139-149 us, p99
 * 250-280 us.  A larger parent copies more page tables. */
#define FORK_DEF "lognormal(140us, 0.25)"

static const char *const spawner_names[] = { "task", "none", NULL };

int spawner_read(struct rq_cfg *c, struct ynode *root, struct err *e)
{
	struct ynode *w = cfg_section(root, "workload", e);
	if (!w ||
	    cfg_enum(w, "spawner", "task", spawner_names, &c->spawner, e) ||
	    cfg_uint(w, "spawners", "1", 1, 4096, &c->spawners, e) ||
	    cfg_dist(w, "fork", FORK_DEF, DIST_DURATION, &c->fork, e))
		return e->status;
	struct ynode *tail = cfg_node(w, "fork_tail", 0, e);
	if (tail && !(c->fork_tail = dist_parse(tail, DIST_DURATION, e)))
		return e->status;
	return 0;
}

int spawner_on(const struct rq_cfg *c)
{
	return c->spawner == SPAWNER_TASK &&
	       (c->arrival == ARR_POISSON || c->arrival == ARR_INTERVAL);
}

int spawner_init(struct rq_run *R)
{
	R->fork_cpu = NIL;
	if (!spawner_on(R->cfg))
		return 0;
	uint32_t n = (uint32_t)R->cfg->spawners;
	R->spawner = calloc(n, sizeof(*R->spawner));
	if (!R->spawner)
		return -1;
	R->nspawners = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pid = world_add_parent(R);
		if (pid == NIL)
			return -1;
		R->spawner[i].pid = pid;
	}
	return 0;
}

void spawner_fini(struct rq_run *R)
{
	free(R->spawner);
	R->spawner = NULL;
}

void spawner_request(struct rq_run *R)
{
	struct spawner *sp = &R->spawner[R->spawn_rr];
	R->spawn_rr = (R->spawn_rr + 1) % R->nspawners;
	sp->pending++;
	if (R->task[sp->pid].state == T_BLOCKED)
		world_wake(R, sp->pid, 0, 1);
}

static struct spawner *find(struct rq_run *R, uint32_t pid)
{
	for (uint32_t i = 0; i < R->nspawners; i++)
		if (R->spawner[i].pid == pid)
			return &R->spawner[i];
	SIM_CHECK(!"a CLS_SPAWNER task that is no parent");
	return NULL;
}

uint64_t spawner_fork_ns(struct rq_run *R, uint32_t pid)
{
	uint64_t d = dist_sample_ns(R->cfg->fork, R->r_fork);
	if (!R->cfg->fork_tail)
		return d;
	/* kernel_clone: copy_process, then wake_up_new_task, then the rest
	 * of fork() and the parent's loop until it sleeps - the tail, which
	 * a child queued on the parent's CPU waits out (fork_local). */
	uint64_t tail = dist_sample_ns(R->cfg->fork_tail, R->r_fork);
	if (tail > d)
		tail = d;
	find(R, pid)->tail = tail;
	return d - tail;
}

int spawner_segment_end(struct rq_run *R, uint32_t c, uint32_t pid)
{
	struct task *t = &R->task[pid];
	struct cpu *p = &R->cpu[c];
	uint64_t now = R->s->now;
	if (t->resume)
		return SPN_GENERIC;   /* the fork's burst was cut: the rest later */
	struct spawner *sp = find(R, pid);
	if (!t->forked) {
		/* fork() has done its work in the parent: wake_up_new_task.
		 * The segment re-opens at now with the fork's tail as payload
		 * (none without workload.fork_tail), so whatever the hook
		 * costs stretches the parent before it returns. */
		uint64_t tail = sp->tail;
		sp->tail = 0;
		t->forked = 1;
		p->seg_start = now;
		p->inj = 0;
		p->until = now + tail;
		p->seg_len = tail;
		p->cut = 0;
		R->fork_cpu = c;
		ktime_fork(R, c);   /* copy_process, and the reaps due */
		world_spawn(R);
		R->fork_cpu = NIL;
		if (tail)
			cpu_resched(R, c);   /* the tail's end (hooks added) */
		if (p->until > now)
			return SPN_WAIT;   /* cpu.c reschedules at the hook's end */
	}
	t->forked = 0;
	SIM_CHECK(sp->pending > 0);
	sp->pending--;
	return sp->pending ? SPN_NEXT : SPN_BLOCK;
}
