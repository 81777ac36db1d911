/* faults.c — seeded fault plans; the semantics are in faults.h. */
#include "sandbox/faults.h"

#include <string.h>

void faults_init(struct faults *f, const struct faults_config *cfg)
{
	pthread_mutex_init(&f->lock, NULL);
	f->cfg = *cfg;
	rng_seed(&f->rng, cfg->seed);
	f->active = cfg->latency_ms || cfg->jitter_ms || cfg->fail_rate > 0 ||
	            cfg->drop_rate > 0 || cfg->garble_rate > 0 || cfg->hang_rate > 0;
}

void faults_destroy(struct faults *f)
{
	pthread_mutex_destroy(&f->lock);
}

void faults_plan(struct faults *f, bool is_post, struct fault_plan *out)
{
	memset(out, 0, sizeof *out);
	if (!f->active)
		return;

	/* Always three draws per request, whatever the outcome, so the
	 * sequence of plans depends only on the order of requests. */
	pthread_mutex_lock(&f->lock);
	double u_jitter = rng_unit(&f->rng);
	double u_kind = rng_unit(&f->rng);
	double u_variant = rng_unit(&f->rng);
	pthread_mutex_unlock(&f->lock);

	const struct faults_config *c = &f->cfg;
	out->delay_ms = c->latency_ms + (unsigned)(u_jitter * ((double)c->jitter_ms + 1.0));
	if (out->delay_ms > c->latency_ms + c->jitter_ms)
		out->delay_ms = c->latency_ms + c->jitter_ms;

	double edge = c->fail_rate;
	if (u_kind < edge) {
		out->kind = (is_post && u_variant < 0.5) ? FAULT_FAIL_AFTER : FAULT_FAIL_BEFORE;
		return;
	}
	bool before = is_post && u_variant >= 0.5;  /* the half of a split that hits first */
	if (u_kind < (edge += c->drop_rate)) {
		out->kind = c->split_all && before ? FAULT_DROP_BEFORE : FAULT_DROP;
		return;
	}
	if (u_kind < (edge += c->garble_rate)) {
		out->kind = u_variant < 0.5 ? FAULT_GARBLE_TRUNCATE : FAULT_GARBLE_TEXT;
		return;
	}
	if (u_kind < edge + c->hang_rate)
		out->kind = c->split_all && before ? FAULT_HANG_BEFORE : FAULT_HANG;
}
