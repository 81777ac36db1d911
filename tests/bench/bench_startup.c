/* bench_startup.c — start-up to the first drawn frame, as a terminal sees
 * it: runs `kaspi-pos` on a pseudo-terminal of 80×24 (forkpty), starts
 * the clock just before exec, stops it when the login box arrives on the
 * terminal, then reads the process's resident memory. Repeats RUNS times.
 * Prints "name value" lines.
 * usage: bench_startup RUNS POS_BINARY [ARGS...] (environment passed on) */
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static long status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, strlen(field)) == 0)
			kb = strtol(line + strlen(field), NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_startup RUNS POS_BINARY [ARGS...]\n");
		return 2;
	}
	int runs = atoi(argv[1]);
	double *ms = calloc((size_t)runs, sizeof *ms);
	long rss_max = 0;
	struct winsize ws = {.ws_row = 24, .ws_col = 80};

	for (int r = 0; r < runs; r++) {
		int master;
		double t0 = now_ms();
		pid_t pid = forkpty(&master, NULL, NULL, &ws);
		if (pid < 0) {
			perror("forkpty");
			return 1;
		}
		if (pid == 0) {
			execv(argv[2], argv + 2);
			_exit(127);
		}
		/* the login box's title is the first frame's last part to arrive */
		char buf[65536];
		size_t len = 0;
		double seen = -1;
		while (seen < 0 && now_ms() - t0 < 5000) {
			struct pollfd p = {.fd = master, .events = POLLIN};
			if (poll(&p, 1, 100) <= 0)
				continue;
			ssize_t n = read(master, buf + len, sizeof buf - 1 - len);
			if (n <= 0)
				break;
			len += (size_t)n;
			buf[len] = '\0';
			if (strstr(buf, "PIN"))
				seen = now_ms() - t0;
			if (len > sizeof buf - 4096)
				len = 0;
		}
		if (seen < 0) {
			fprintf(stderr, "no frame within 5 s\n");
			kill(pid, SIGKILL);
			return 1;
		}
		usleep(200000); /* settle: the first health check, the clock */
		long rss = status_kb(pid, "VmHWM:");
		if (rss > rss_max)
			rss_max = rss;
		ms[r] = seen;
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		close(master);
	}
	qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
	printf("first_frame_median_ms %.1f\nfirst_frame_max_ms %.1f\npeak_rss_kb %ld\n", ms[runs / 2],
	       ms[runs - 1], rss_max);
	free(ms);
	return 0;
}
