/* i18n.c — see i18n.h. */
#include "app/i18n.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KP_LOCALEDIR
#define KP_LOCALEDIR "/usr/local/share/locale"
#endif

static char language[4] = "en";

/* The language an environment variable names: "ru_RU.UTF-8" → "ru". */
static bool language_of(const char *value, char out[4])
{
	if (!value || !value[0])
		return false;
	if (strncmp(value, "ru", 2) == 0 || strncmp(value, "kk", 2) == 0 ||
	    strncmp(value, "en", 2) == 0) {
		memcpy(out, value, 2);
		out[2] = '\0';
		return true;
	}
	return false;
}

/* build/locale beside a build-tree binary, else the installed folder. */
static void locale_dir(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	struct stat st;

	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, size, "%s/locale", exe);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return;
			snprintf(buf, size, "%s/../share/locale", exe);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return;
		}
	}
	snprintf(buf, size, "%s", KP_LOCALEDIR);
}

bool i18n_init(const char *lang)
{
	char dir[PATH_MAX + 32];

	/* A named locale that is not installed (ru_RU.UTF-8 on a bare
	 * machine) still means a UTF-8 terminal: C.UTF-8 keeps its charset. */
	if (!setlocale(LC_ALL, "")) {
		const char *names[] = {getenv("LC_ALL"), getenv("LC_CTYPE"), getenv("LANG")};
		bool utf8 = false;
		for (size_t i = 0; i < 3; i++)
			if (names[i] && names[i][0]) {
				utf8 = strcasestr(names[i], "utf-8") || strcasestr(names[i], "utf8");
				break;
			}
		setlocale(LC_ALL, utf8 ? "C.UTF-8" : "C");
	}

	char chosen[4] = "";
	if (lang && strcmp(lang, "auto") != 0 && language_of(lang, chosen)) {
		/* the config's choice */
	} else if (!language_of(getenv("LANGUAGE"), chosen) && !language_of(getenv("LC_ALL"), chosen) &&
	           !language_of(getenv("LC_MESSAGES"), chosen) && !language_of(getenv("LANG"), chosen)) {
		snprintf(chosen, sizeof chosen, "en");
	}
	snprintf(language, sizeof language, "%s", chosen);
	/* LANGUAGE picks the catalog even when only C.UTF-8 is installed. */
	setenv("LANGUAGE", language, 1);

	locale_dir(dir, sizeof dir);
	bindtextdomain("kaspi-pos", dir);
	bind_textdomain_codeset("kaspi-pos", "UTF-8");
	textdomain("kaspi-pos");
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

const char *i18n_language(void)
{
	return language;
}

#define MSG_BUFFERS 4
#define MSG_TEXT_SIZE 768

/* The next of the calling thread's buffers. */
static char *msg_buffer(void)
{
	static _Thread_local char bufs[MSG_BUFFERS][MSG_TEXT_SIZE];
	static _Thread_local int next;
	char *b = bufs[next];
	next = (next + 1) % MSG_BUFFERS;
	return b;
}

const char *kp_msg_text(const struct kp_msg *m)
{
	char *b = msg_buffer();
	if (!m || kp_msg_empty(m)) {
		b[0] = '\0';
		return b;
	}
	return kp_msg_format(m, gettext(m->id), b, MSG_TEXT_SIZE);
}

const char *kp_msg_text_packed(const char *packed)
{
	char copy[MSG_TEXT_SIZE];
	struct kp_msg m;
	snprintf(copy, sizeof copy, "%s", packed ? packed : "");
	kp_msg_unpack(copy, &m);
	return kp_msg_text(&m);
}
