/* cli_approve.h — a manager's approval for a headless command (the Z
 * report; the same rule as refund's): the PIN read with cli_read_pin,
 * from the terminal without echo or one line of standard input.
 *
 * With a name (--user NAME) the PIN is checked against that user, who
 * must be a manager; a wrong one counts toward that user's lockout
 * (pin_verify). Without a name, whose PIN it is is asked first without
 * side effects (pin_is) of each manager who is not locked; the owner's
 * PIN is then checked as with a name. A PIN that is no manager's counts
 * as a wrong PIN for every manager who is not locked — leaving out the
 * name cannot get round the lockout. */
#ifndef KP_CLI_CLI_APPROVE_H
#define KP_CLI_CLI_APPROVE_H

#include <stdint.h>

#include "store/db.h"

/* Asks for the PIN (of name, or of any manager when name is NULL) and
 * checks it. Returns 0 with *manager set to the approving user's id, or
 * an exit code after printing one line on stderr why not; nothing_done
 * ends the line for a missing PIN ("nothing was closed"). */
int cli_approve_manager(store_db *db, const char *name, const char *nothing_done,
                        int64_t *manager);

#endif
