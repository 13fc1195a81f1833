#include "twin_system.h"

#include <malloc.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

int twin_die_with_parent(pid_t parent) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return -1;
    return getppid() == parent ? 0 : -1;
}

int twin_mallopt(int parameter, int value) { return mallopt(parameter, value); }

const int twin_m_mmap_threshold = M_MMAP_THRESHOLD;
const int twin_m_trim_threshold = M_TRIM_THRESHOLD;
const int twin_m_top_pad = M_TOP_PAD;
