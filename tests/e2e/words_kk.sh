#!/usr/bin/env bash
# words_kk.sh — words.sh in Kazakh: every screen with no English word left
# (a script of its own so that the two languages run side by side).
WORDS_LANGS=kk exec bash "$(dirname "$0")/words.sh"
