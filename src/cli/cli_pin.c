/* cli_pin.c — PIN input with the terminal's echo turned off. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/pin.h"
#include "cli/cli_pin.h"

/* The terminal's settings before echo went off, for the signal handler. */
static struct termios saved_tio;
static volatile sig_atomic_t echo_off;

/* Ctrl-C or a kill while the echo is off: give the terminal its echo
 * back, then die of the signal as we would have. */
static void restore_and_reraise(int sig)
{
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads one line of stdin into buf without its line end. */
static bool read_line(char *buf, size_t size)
{
	if (!fgets(buf, (int)size, stdin))
		return false;
	size_t n = strlen(buf);
	bool whole = n > 0 && buf[n - 1] == '\n';
	if (!whole && !feof(stdin)) {
		int c; /* too long: drop the rest of the line, refuse it */
		while ((c = getchar()) != EOF && c != '\n')
			;
		pin_wipe(buf, size);
		return false;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return true;
}

bool cli_read_pin(const char *prompt, char *buf, size_t size)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction sa, old[sizeof sigs / sizeof *sigs];
	struct termios tio;
	bool ok;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) != 0)
		return read_line(buf, size);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = restore_and_reraise;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, &old[i]);

	tio = saved_tio;
	tio.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
	tio.c_lflag |= ICANON;
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio) == 0;
	ok = read_line(buf, size);
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	echo_off = 0;
	fputc('\n', stderr);

	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &old[i], NULL);
	return ok;
}
