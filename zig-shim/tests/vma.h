/*
 * What the kernel says about a mapping: /proc/self/smaps gives each VMA's range, permissions
 * and VmFlags (`lo` = mlocked, `dd` = excluded from core dumps). Linux only.
 */
#ifndef smem_vma_H
#define smem_vma_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct vma {
    uintptr_t start, end;
    char perms[8];
    char flags[256]; /* the VmFlags line's values, space separated */
};

/* Fills *out with the VMA containing addr; 0 if found, -1 if no mapping contains it. */
static inline int vma_find(const void *addr, struct vma *out)
{
    char line[512];
    uintptr_t a = (uintptr_t) addr;
    int found = 0;
    FILE *f = fopen("/proc/self/smaps", "r");

    if (f == NULL) return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned long s, e;
        char perms[8];
        /* Only VMA headers parse as "start-end perms"; field lines start with a name. */
        if (sscanf(line, "%lx-%lx %7s ", &s, &e, perms) == 3) {
            if (found) break; /* the next VMA's header: ours had no VmFlags line */
            if (a >= s && a < e) {
                found = 1;
                out->start = s;
                out->end = e;
                memcpy(out->perms, perms, sizeof perms);
                out->flags[0] = '\0';
            }
        } else if (found && strncmp(line, "VmFlags:", 8) == 0) {
            size_t n = strlen(line + 8);
            if (n >= sizeof out->flags) n = sizeof out->flags - 1;
            memcpy(out->flags, line + 8, n);
            out->flags[n] = '\0';
            break;
        }
    }
    fclose(f);
    return found ? 0 : -1;
}

/* 1 if the two-letter VmFlags code (e.g. "lo", "dd") is present. */
static inline int vma_has_flag(const struct vma *v, const char *code)
{
    char padded[260], want[8];
    snprintf(padded, sizeof padded, " %s ", v->flags);
    for (char *p = padded; *p; p++) {
        if (*p == '\n') *p = ' ';
    }
    snprintf(want, sizeof want, " %s ", code);
    return strstr(padded, want) != NULL;
}

#endif
