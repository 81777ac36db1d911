/* check.h — a function whose result says whether it worked is marked
 * KP_MUST_CHECK: the compiler (with -Werror) refuses a caller that drops
 * it. Where dropping it is right (a rollback, a best-effort note on an
 * error path), the caller says why in a comment and casts to void. */
#ifndef KP_CORE_CHECK_H
#define KP_CORE_CHECK_H

#define KP_MUST_CHECK __attribute__((warn_unused_result))

#endif
