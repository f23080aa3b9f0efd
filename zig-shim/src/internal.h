#ifndef smem_internal_H
#define smem_internal_H

#include <stddef.h>
#include <stdint.h>

/* Set by smem_init(); every allocation's canary is a prefix-aligned slice of this page. */
extern uint8_t *smem_canary_page;
extern size_t smem_cached_page_size;

size_t smem_sys_page_size(void);

#endif
