/* raw_server.c — see raw_server.h. */
#include "raw_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Waits for fd to be readable or the stop pipe; false on stop. */
static bool wait_readable(raw_server *s, int fd)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = s->stop_pipe[0], .events = POLLIN } };
	for (;;) {
		int r = poll(p, 2, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || p[1].revents)
			return false;
		if (p[0].revents)
			return true;
	}
}

/* Reads one request (head, and a body of its Content-Length) into buf.
 * Returns its length, or 0 when the peer closed or the server stops. */
static size_t read_request(raw_server *s, int fd, char *buf, size_t size)
{
	size_t len = 0, need = 0;
	for (;;) {
		if (need == 0) {
			char *end = len ? memmem(buf, len, "\r\n\r\n", 4) : NULL;
			if (end) {
				size_t head = (size_t)(end - buf) + 4;
				size_t body = 0;
				for (char *l = buf; l < end; l = strstr(l, "\r\n") + 2)
					if (strncasecmp(l, "Content-Length:", 15) == 0)
						body = strtoul(l + 15, NULL, 10);
				need = head + body;
			}
		}
		if (need && len >= need)
			return need;
		if (len == size || !wait_readable(s, fd))
			return 0;
		ssize_t n = recv(fd, buf + len, size - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		len += (size_t)n;
	}
}

static bool send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static void *server_main(void *arg)
{
	raw_server *s = arg;
	char *buf = malloc(RAW_REQUEST_MAX);
	if (!buf)
		return NULL;
	while (wait_readable(s, s->listen_fd)) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&s->lock);
		s->connections++;
		bool first = s->flags & RAW_ANSWER_FIRST;
		pthread_mutex_unlock(&s->lock);
		if (first) {
			send_all(fd, s->answer, s->answer_len);
			shutdown(fd, SHUT_WR);
			close(fd);
			continue;
		}
		for (;;) {
			size_t n = read_request(s, fd, buf, RAW_REQUEST_MAX);
			if (n == 0)
				break;
			pthread_mutex_lock(&s->lock);
			memcpy(s->request, buf, n);
			s->request[n] = '\0';
			s->request_len = n;
			s->requests++;
			const char *answer = s->answer;
			size_t alen = s->answer_len;
			bool close_after = s->flags & RAW_CLOSE_AFTER;
			pthread_mutex_unlock(&s->lock);
			if (!send_all(fd, answer, alen) || close_after)
				break;
		}
		close(fd);
	}
	free(buf);
	return NULL;
}

bool raw_server_start(raw_server *s, const char *answer, size_t answer_len, int flags)
{
	memset(s, 0, sizeof *s);
	s->answer = answer;
	s->answer_len = answer_len;
	s->flags = flags;
	pthread_mutex_init(&s->lock, NULL);
	if (pipe2(s->stop_pipe, O_CLOEXEC) != 0)
		return false;
	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(s->listen_fd, 8) != 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&a, &al) != 0) {
		perror("raw_server");
		return false;
	}
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->thread, NULL, server_main, s) == 0;
}

void raw_server_stop(raw_server *s)
{
	if (write(s->stop_pipe[1], "x", 1) == 1)
		pthread_join(s->thread, NULL);
	close(s->listen_fd);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	pthread_mutex_destroy(&s->lock);
}

size_t raw_server_request(raw_server *s, char *buf, size_t size)
{
	pthread_mutex_lock(&s->lock);
	size_t n = s->request_len < size - 1 ? s->request_len : size - 1;
	memcpy(buf, s->request, n);
	buf[n] = '\0';
	pthread_mutex_unlock(&s->lock);
	return n;
}
