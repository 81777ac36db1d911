/* fiscal_bg.c — see fiscal_bg.h. */
#include "app/fiscal_bg.h"

#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/fiscal.h"
#include "core/clock.h"
#include "store/receipts.h"

extern char **environ;

#define BG_DELAY_MIN_MS 2000L
#define BG_DELAY_MAX_MS 60000L

static pid_t start_child(const struct kp_config *cfg, const char *what)
{
	posix_spawn_file_actions_t fa;
	pid_t pid = 0;
	char *argv[7];
	int n = 0;
	argv[n++] = (char *)"kaspi-pos";
	if (cfg->path[0]) {
		argv[n++] = (char *)"--config";
		argv[n++] = (char *)cfg->path;
	}
	argv[n++] = (char *)"fiscal";
	argv[n++] = (char *)what;
	argv[n] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return 0;
	/* the terminal is the till's: the child says nothing on it */
	bool ok = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) == 0 &&
	          posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) == 0 &&
	          posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) == 0;
	if (ok && posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ) != 0)
		pid = 0;
	posix_spawn_file_actions_destroy(&fa);
	return ok ? pid : 0;
}

void fiscal_bg_tick(struct fiscal_bg *b, store_db *db, const struct kp_config *cfg)
{
	store_err err;
	long before = b->waiting;
	if (!fiscal_enabled(cfg))
		return;
	if (b->z_pid > 0 && waitpid(b->z_pid, NULL, WNOHANG) != 0) {
		b->z_pid = 0; /* ended (or not ours to wait for: -1) */
		b->next_ms = 0; /* what waited for the register's Z goes now */
		b->delay_ms = 0;
	}
	if (receipts_register_state(db, &b->reg, &err) != STORE_OK)
		memset(&b->reg, 0, sizeof b->reg);
	if (receipts_unsent(db, &b->waiting, &b->oldest, &err) != STORE_OK)
		return;
	if (b->waiting == 0 ||
	    receipts_last_refusal(db, &b->code, b->why, sizeof b->why, &err) != STORE_OK) {
		b->code = 0;
		b->why[0] = '\0';
	}
	if (b->pid > 0) {
		int status;
		if (waitpid(b->pid, &status, WNOHANG) == 0)
			return; /* still sending; -1 (no such child) counts as ended */
		b->pid = 0;
		bool left = b->waiting > 0;
		b->delay_ms = left ? (b->delay_ms ? b->delay_ms * 2 : BG_DELAY_MIN_MS) : 0;
		if (b->delay_ms > BG_DELAY_MAX_MS)
			b->delay_ms = BG_DELAY_MAX_MS;
		b->next_ms = kp_mono_ms() + b->delay_ms;
		return;
	}
	int64_t now = kp_mono_ms();
	if (b->waiting == 0 || (now < b->next_ms && b->waiting <= before))
		return;
	b->pid = start_child(cfg, "send");
	b->next_ms = now + BG_DELAY_MIN_MS;
}

void fiscal_bg_forget(struct fiscal_bg *b)
{
	b->pid = 0;
	b->z_pid = 0;
}

bool fiscal_bg_z(struct fiscal_bg *b, const struct kp_config *cfg)
{
	if (!fiscal_enabled(cfg))
		return true;
	b->z_pid = start_child(cfg, "z");
	return b->z_pid > 0;
}
