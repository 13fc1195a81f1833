// C functions that Swift cannot call itself (variadic, or declared in headers Glibc does not
// export), each behind a plain function.
#ifndef TWIN_SYSTEM_H
#define TWIN_SYSTEM_H

#include <sys/types.h>

/// Asks the kernel to kill this process (SIGKILL) when its parent dies, then checks that the
/// parent is still `parent` (it may have died before the request): 0 when set, -1 otherwise.
int twin_die_with_parent(pid_t parent);

/// glibc's mallopt(3) (malloc.h).
int twin_mallopt(int parameter, int value);

/// mallopt's parameters used here.
extern const int twin_m_mmap_threshold;
extern const int twin_m_trim_threshold;
extern const int twin_m_top_pad;

#endif
