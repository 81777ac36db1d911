/* sandbox_proc.c — see sandbox_proc.h. */
#include "sandbox_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READY_PREFIX "listening on "
#define STOP_GRACE_MS 3000

const char *sandbox_binary(void)
{
	const char *env = getenv("KP_SANDBOX");
	return env && env[0] ? env : "build/kaspi-sandbox";
}

bool sandbox_available(void)
{
	return access(sandbox_binary(), X_OK) == 0;
}

const char *kassa_binary(void)
{
	const char *env = getenv("KP_KASSA");
	return env && env[0] ? env : "build/kassa-sandbox";
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Keeps reading the sandbox's output so that it never blocks on a full pipe. */
static void *drain_main(void *arg)
{
	sandbox_proc *sp = arg;
	char buf[4096];
	for (;;) {
		ssize_t n = read(sp->out_fd, buf, sizeof buf);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		return NULL;
	}
}

/* Child side: wire the pipe to stdout, die with the parent, exec. */
static void child_exec(const char *binary, int out_w, const char *const *args)
{
	const char *argv[64];
	size_t n = 0;
	argv[n++] = binary;
	argv[n++] = "--bind";
	argv[n++] = "127.0.0.1";
	argv[n++] = "--port";
	argv[n++] = "0";
	for (const char *const *a = args; a && *a && n < 63; a++)
		argv[n++] = *a;
	argv[n] = NULL;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	dup2(out_w, STDOUT_FILENO);
	int devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		if (!getenv("KP_SANDBOX_LOG"))
			dup2(devnull, STDERR_FILENO);
	}
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* Reads lines until the ready line or the deadline; fills base_url/port. */
static bool wait_ready(sandbox_proc *sp, const char *binary, int timeout_ms)
{
	char line[512];
	size_t len = 0;
	long deadline = now_ms() + timeout_ms;

	for (;;) {
		long left = deadline - now_ms();
		if (left <= 0) {
			fprintf(stderr, "sandbox_proc: no ready line within %d ms\n", timeout_ms);
			return false;
		}
		struct pollfd p = { .fd = sp->out_fd, .events = POLLIN };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		char ch;
		ssize_t n = read(sp->out_fd, &ch, 1);     /* byte by byte: stop right after the line */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "sandbox_proc: %s exited before it was ready\n", binary);
			return false;
		}
		if (ch != '\n') {
			if (len + 1 < sizeof line)
				line[len++] = ch;
			continue;
		}
		line[len] = '\0';
		len = 0;
		const char *at = strstr(line, READY_PREFIX);
		if (!at)
			continue;
		at += strlen(READY_PREFIX);
		snprintf(sp->base_url, sizeof sp->base_url, "%s", at);
		size_t ul = strlen(sp->base_url);
		while (ul && (sp->base_url[ul - 1] == '\r' || sp->base_url[ul - 1] == ' '))
			sp->base_url[--ul] = '\0';
		const char *colon = strrchr(sp->base_url, ':');
		sp->port = colon ? atoi(colon + 1) : 0;
		if (strncmp(sp->base_url, "http://", 7) != 0 || sp->port <= 0) {
			fprintf(stderr, "sandbox_proc: unreadable ready line '%s'\n", line);
			return false;
		}
		return true;
	}
}

bool sandbox_start(sandbox_proc *sp, const char *const *args, int timeout_ms)
{
	return sandbox_start_bin(sp, sandbox_binary(), args, timeout_ms);
}

bool sandbox_start_bin(sandbox_proc *sp, const char *binary, const char *const *args,
                       int timeout_ms)
{
	int fds[2];

	memset(sp, 0, sizeof *sp);
	sp->out_fd = -1;
	if (access(binary, X_OK) != 0) {
		fprintf(stderr, "sandbox_proc: %s is missing (build it, or set KP_SANDBOX / KP_KASSA)\n",
		        binary);
		return false;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		perror("sandbox_proc: pipe");
		return false;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("sandbox_proc: fork");
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0)
		child_exec(binary, fds[1], args);
	close(fds[1]);
	sp->pid = pid;
	sp->out_fd = fds[0];
	if (!wait_ready(sp, binary, timeout_ms)) {
		sandbox_stop(sp);
		return false;
	}
	if (pthread_create(&sp->drain, NULL, drain_main, sp) == 0)
		sp->draining = true;
	return true;
}

void sandbox_stop(sandbox_proc *sp)
{
	if (sp->pid > 0) {
		int status;
		kill(sp->pid, SIGTERM);
		long deadline = now_ms() + STOP_GRACE_MS;
		pid_t r;
		while ((r = waitpid(sp->pid, &status, WNOHANG)) == 0 && now_ms() < deadline) {
			struct timespec ts = { 0, 10 * 1000000 };
			nanosleep(&ts, NULL);
		}
		if (r == 0) {
			fprintf(stderr, "sandbox_proc: no exit %d ms after SIGTERM: SIGKILL\n",
			        STOP_GRACE_MS);
			kill(sp->pid, SIGKILL);
			waitpid(sp->pid, &status, 0);
		}
		sp->pid = 0;
	}
	if (sp->draining) {
		pthread_join(sp->drain, NULL);
		sp->draining = false;
	}
	if (sp->out_fd >= 0) {
		close(sp->out_fd);
		sp->out_fd = -1;
	}
}

int sandbox_free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0,
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	int port = -1;
	if (bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &al) == 0)
		port = ntohs(a.sin_port);
	close(s);
	return port;
}
